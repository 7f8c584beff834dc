// What `Module.wrap` puts around a CommonJS module's text. The build writes it around dist/bundle.js,
// and scripts/cli-loader.cjs compiles the file as read and calls the function it evaluates to:
// wrapping it at run time copied all 600 KB once more (~5 ms of start-up here).
export const BUNDLE_WRAPPER = ['(function (exports, require, module, __filename, __dirname) {', '\n})'];
