/**
 * The student kit's README: install, check and submit; how the commands and notebooks run the
 * student's current files (every `nnkit` command compiles the changed ones into dist/ first: see
 * src/cli/fresh.ts); training on MNIST; Jupyter with the tslab kernel, in steps that work as written
 * on Debian and Ubuntu.
 */

/** The README of the kit of the assignment titled `title` (handout path, notebooks it ships, its first function as the --only example). */
export function studentReadme(title: string, handout: string, notebooks: readonly string[], example: string): string {
  return `# ${title}

This is the student kit of nnkit. The assignment is in [${handout}](${handout}): you write the
functions it lists, in the library's own files it names.

Needs Node (24 LTS recommended; 22 and 20 work) and npm.

\`\`\`sh
npm install                              # once (about 100 MB, no network access needed afterwards)
npm run check                            # the public tests, as the grader runs them: points per function
npm run check -- --only ${example}   # one function; --verbose shows every failing case in full
npm run submit                           # submission.zip: exactly the files to hand in, and metadata.json
npm run submit -- --name "Ada Lovelace"  # your name in metadata.json (and in the gradebook)
\`\`\`

\`npm run check\` prints, for every function, its public points and one line per test case, the
first failing case in detail (which output, its shape, the first wrong element, expected and got),
the likely mistake of every failing case it recognises, and a total \`public tests: N/100 points\`.
It exits 0 only when every public test passes. It also lists TypeScript type errors in your files:
they cost no points, but \`npm run build\` stops at them. The grader runs the same checks on other shapes and
seeds.

\`npm run submit\` refuses while a function still throws "not implemented yet" (add
\`-- --allow-incomplete\` to hand in what you have; those functions get 0 points).

## Your layers at work

Every \`nnkit\` command (\`npm run check\`, \`npm run submit\`, \`npx nnkit train\`, …) first compiles
the files you changed into \`dist/\`, so it always runs your current code. The notebooks import
\`dist/\` too: after editing, run any of these commands (or \`npm run build\`), then restart the
notebook's kernel.

\`\`\`sh
npx nnkit train mlp --limit 2000         # an MLP on 2,000 MNIST digits with your linear and ReLU layers
npx nnkit train lenet5 --limit 2000      # LeNet-5 with your conv, max-pool, ReLU and linear layers (slower)
npx nnkit train --help                   # epochs, batch size, optimizer, learning rate, seed, test images
\`\`\`

The lecture notebooks that use these layers are in \`notebooks/\` (${notebooks.join(", ")}), with their
outputs cleared: run them and you see what your layers compute. A cell that calls a function you
have not written yet stops with one line that names it and the section of the handout.
Open them in Jupyter with the tslab kernel (on Debian or Ubuntu; elsewhere install Jupyter with
\`pip install notebook nbconvert\` instead of the first line, and give \`--python\` the Python you
installed it into):

\`\`\`sh
sudo apt-get install jupyter-notebook jupyter-nbconvert jupyter-client python3-ipykernel
npm install --no-save tslab@1.0.22       # the TypeScript kernel (about 80 MB more; not needed for the assignment)
npx tslab install --python=/usr/bin/python3 --binary="$PWD/node_modules/.bin/tslab"
jupyter notebook notebooks/              # in the browser
jupyter nbconvert --to notebook --execute --output run.ipynb notebooks/${notebooks[0] ?? "NOTEBOOK.ipynb"}   # or run one without a browser
\`\`\`

\`--python\` names the Python that has Debian's Jupyter (a \`python3\` of pyenv or conda first on your
PATH would not have it); \`--binary\` makes the kernel start this kit's tslab by its full path
(without it Jupyter looks for a \`tslab\` command on your PATH and fails with FileNotFoundError). Run
\`npx tslab install\` again if you move the kit's folder.

The course site shows the same notebooks with the reference solution's outputs.
`;
}
