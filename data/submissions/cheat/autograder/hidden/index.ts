// A submission that ships its own "hidden tests" (none at all) hoping the grader runs them.
export const HIDDEN_SPECS = [];
