/**
 * The kit's `nnkit --help` lists only what runs there: check and submit; the instructor's release,
 * grade and gradescope are registered only where their modules are (the repository).
 */
import { Command } from "commander";
import { describe, expect, it } from "vitest";
import { instructorModulesPresent, registerAssignmentCommands } from "../../autograder/commands.js";
import { releasedAutograder } from "../../autograder/release.js";
import { ROOT } from "./helpers.js";

const names = (instructor: boolean): string[] => {
  const program = new Command("nnkit");
  registerAssignmentCommands(program, instructor);
  return program.commands.map((c) => c.name());
};

describe("the assignment commands a kit lists", () => {
  it("the student kit: check and submit only; the repository: release, grade and gradescope too", () => {
    expect(names(false)).toEqual(["check", "submit"]);
    expect(names(true)).toEqual(["release", "check", "submit", "grade", "gradescope"]);
  });

  it("the instructor's modules are found here and are not among the files the kit ships", () => {
    expect(instructorModulesPresent()).toBe(true);
    const shipped = releasedAutograder(ROOT);
    expect(shipped).toContain("autograder/commands.ts");
    expect(shipped).not.toContain("autograder/release.ts");
  });
});
