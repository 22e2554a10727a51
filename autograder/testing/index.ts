/**
 * "nnkit/grading": what an assignment's vitest files use besides vitest itself.
 *
 *   const relu = student("reluForward", { returns: "[out, cache]", keep: "cache" });
 *   test("out", async () => {
 *     const r = await relu(x);                  // runs in the submission's sandbox child
 *     expectTensor(r.out, expected, { mistakes: [{ mistake: "mask inverted", hint: "…", value: wrong }] });
 *   });
 *
 * Student code never runs in the test's process: every call goes to the sandbox, and what comes
 * back is plain data, validated and copied. A test's id is its describe names and its name joined
 * by dots ("reluForward.out"); its points are in the assignment's manifest.
 */
export { student, keptOf, parseReturns, StudentOutput, type Kept, type StudentFunction, type StudentOptions, type StudentResult } from "./student.js";
export { expectNumber, expectTensor, type TensorExpectation } from "./expect.js";
export { forEachCase, once } from "./cases.js";
export { cacheArg, forwardCache, isWrongOutput, type CacheChoice } from "./forward.js";
export { caseCalls, checkOutput, type CaseCall, type CaseCalls, type CaseTable, type ForwardOf, type GradedCase } from "./table.js";
export { checkStepOutput, stepCalls, type StepCalls, type StepCase, type StepTable } from "./steps.js";
export { recorded } from "./recorded.js";
export { note, StudentFailure, type CaseFailure, type MistakeName, type TestRecord } from "./failure.js";
export { genericCandidates, offByOneCandidates, transpose2d, type Candidate } from "../mistakes.js";
export { gradingContext } from "./channel.js";
