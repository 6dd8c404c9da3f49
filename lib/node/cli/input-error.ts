/** A mistake in the command line or its input: reported with the usage, exit code 2. Its own module so that the
 * corpus modes never load the HTML and Markdown readers (load-document.ts) they do not use. */
export class InputError extends Error {}
