import { defineConfig } from "tsup";
// Task modules must be JavaScript on Node 20 (its workers cannot load TypeScript), so the fixtures are compiled.
export default defineConfig({ entry: ["fixtures/*.ts"], format: ["esm"], bundle: false, dts: true, clean: true, target: "es2022" });
