/** The exception sentences, worded by kind, live with the analysis that finds the exceptions (one wording everywhere). */
export { deadlineOf, exceptionSentence, KIND_SENTENCES, type ExceptionInput } from '../engine/classify/plain';
