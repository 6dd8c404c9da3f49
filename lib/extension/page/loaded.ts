/** Imported first by the content script: when its code began to run, on the page timeline (its start-up cost). */
performance.mark('clausemark:loaded');
