/**
 * The zips the kit writes (the release, a submission, the Gradescope package) give every entry
 * this date, so that the same files always give the same bytes.
 */
export const ZIP_DATE = new Date("2000-01-01T00:00:00Z");
