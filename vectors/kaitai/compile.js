// Compile .ksy files with the JavaScript build of the Kaitai Struct compiler
// (npm: kaitai-struct-compiler, js-yaml), which has no command line of its own.
//
//   node compile.js [--debug] LANGUAGE OUTDIR FILE.ksy...
//
// --debug: parsers that record where each field starts and ends (_debug) and
// do not read on construction (call _read()), as the Web IDE uses them.
//
// Imports (meta/imports) are resolved next to the importing file. Needs the two
// npm packages on NODE_PATH or in a node_modules directory above this file.
"use strict";
const fs = require("fs");
const path = require("path");
const yaml = require("js-yaml");
const compiler = require("kaitai-struct-compiler");

async function main(argv) {
  if (argv.length < 3) {
    throw new Error("usage: node compile.js [--debug] LANGUAGE OUTDIR FILE.ksy...");
  }
  const debug = argv[0] === "--debug";
  const [language, outDir, ...inputs] = debug ? argv.slice(1) : argv;
  fs.mkdirSync(outDir, { recursive: true });
  for (const input of inputs) {
    const base = path.dirname(path.resolve(input));
    const importer = {
      importYaml(name) {
        return Promise.resolve(yaml.load(fs.readFileSync(path.join(base, name + ".ksy"), "utf8")));
      },
    };
    const ksy = yaml.load(fs.readFileSync(input, "utf8"));
    const files = await compiler.compile(language, ksy, importer, debug);
    for (const [name, text] of Object.entries(files)) {
      fs.writeFileSync(path.join(outDir, name), text);
      console.log(path.join(outDir, name));
    }
  }
  console.error(`kaitai-struct-compiler ${compiler.version}`);
}

main(process.argv.slice(2)).catch((err) => {
  // The compiler throws Scala exceptions whose message is in .s$1 or toString().
  console.error(String(err && (err.message || err.s$1 || err)));
  process.exit(1);
});
