/**
 * pa11y (tests/lighthouse) brings puppeteer, whose install step downloads a Chrome of its own: that
 * fails without internet and is never used (the checks drive the Debian chromium). Skip it.
 */
module.exports = { skipDownload: true };
