/** The grader's own error kinds, apart from the code that throws them. */

/** A problem with the input or the assignment (exit code 2): the message says what is wrong and what to do. */
export class InputError extends Error {}
