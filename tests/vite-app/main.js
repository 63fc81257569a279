// A bundler consumer: imports the package by name, as an npm user would.
import init, * as cw from "crypto-wasm";
import { run } from "./checks.js";

await init();
run(cw, await (await fetch("./twake-v0.json")).json());
