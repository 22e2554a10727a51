/**
 * What the page says about its runs, for every reader: a live region (role="status") that screen
 * readers announce when its text changes (WCAG 4.1.3: "running…", "✓ 0.3 s", errors), and the note
 * a page opened from disk (file://) shows, where browsers start no kernel worker: how to serve the
 * folder, with the command.
 */

/** A visually hidden, polite live region inside `parent`; say(text) announces `text`. */
export class LiveRegion {
  readonly el: HTMLElement;

  constructor(parent: HTMLElement) {
    this.el = document.createElement("div");
    this.el.className = "nnkit-live visually-hidden";
    this.el.setAttribute("role", "status");
    this.el.setAttribute("aria-live", "polite");
    this.el.setAttribute("aria-atomic", "true");
    parent.append(this.el);
  }

  /** Announce `text` (the same text twice in a row is announced again). */
  say(text: string): void {
    this.el.textContent = this.el.textContent === text ? `${text}\u00a0` : text;
  }
}

/** Whether the page was opened from disk, where it cannot start its kernel worker. */
export function openedFromFile(): boolean {
  return location.protocol === "file:";
}

/** One sentence for the kernel status and the live region when the page is opened from disk. */
export const FILE_SHORT = "Opened from a file: the code cannot run here; the stored outputs are kept. See the note below to serve the folder.";

/** The note of a page opened from disk: why its code cannot run there and the command that serves its folder. */
export function fileNote(): HTMLElement {
  const page = decodeURIComponent(location.pathname.split("/").pop() || "index.html");
  const note = document.createElement("div");
  note.className = "page-note nnkit-file-note";
  const command = (text: string) => Object.assign(document.createElement("code"), { textContent: text });
  const p1 = document.createElement("p");
  p1.textContent = "This page was opened from a file, and browsers do not run a page's code workers from files. " +
    "The outputs shown are the notebook's stored ones. To run the cells, serve this folder and open the page from there: " +
    "in a terminal, in the folder that holds this page, run ";
  p1.append(command("python3 -m http.server 8000"), " and open ", command(`http://localhost:8000/${page}`), ".");
  const p2 = document.createElement("p");
  p2.append("In the course repository, ", command("npx nnkit site --out site --serve"),
    " builds and serves the site with the headers that also let the kernels use several threads.");
  note.append(p1, p2);
  return note;
}
