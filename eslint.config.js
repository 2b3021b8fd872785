// ESLint (typescript-eslint's recommended rules) over the TypeScript sources, tests,
// benches and scripts; formatting is Prettier's (npm run format:check).
import js from "@eslint/js";
import tseslint from "typescript-eslint";

export default tseslint.config(
  { ignores: ["dist/**", "node_modules/**", "examples/*/dist/**", "guest/**", "oclif.manifest.json", "**/*.d.ts"] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: {
      globals: {
        process: "readonly",
        console: "readonly",
        Buffer: "readonly",
        setTimeout: "readonly",
        clearTimeout: "readonly",
        setInterval: "readonly",
        clearInterval: "readonly",
        setImmediate: "readonly",
        URL: "readonly",
        performance: "readonly",
        TextDecoder: "readonly",
        TextEncoder: "readonly",
        AbortController: "readonly",
        structuredClone: "readonly",
        WebAssembly: "readonly",
        globalThis: "readonly",
        queueMicrotask: "readonly",
        fetch: "readonly",
      },
    },
    rules: {
      // the engine escapes and matches control characters on purpose (guest-derived text)
      "no-control-regex": "off",
      "@typescript-eslint/no-unused-expressions": ["error", { allowShortCircuit: true, allowTernary: true }],
      // `_name` marks a binding kept on purpose (a destructured field left out)
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_", caughtErrors: "none" }],
    },
  },
  // chai's property assertions (`expect(x).to.be.true`) are expressions
  { files: ["test/**"], rules: { "@typescript-eslint/no-unused-expressions": "off" } },
  {
    // bin/ is CommonJS (bin/package.json)
    files: ["**/*.cjs", "bin/**/*.js"],
    languageOptions: { sourceType: "commonjs", globals: { require: "readonly", module: "writable", __dirname: "readonly", __filename: "readonly" } },
    rules: { "@typescript-eslint/no-require-imports": "off" },
  },
);
