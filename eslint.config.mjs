import js from "@eslint/js";
import tseslint from "typescript-eslint";
import pulumi from "@pulumi/eslint-plugin";

export default tseslint.config(
  { ignores: ["node_modules/", "dist/", ".tools/", "test-output/", "**/*.js", "**/*.mjs"] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ["**/*.ts"],
    plugins: { "@pulumi": pulumi },
    languageOptions: {
      parserOptions: { project: "./tsconfig.json", tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      "@pulumi/no-output-in-template-literal": "error",
      "@pulumi/no-output-instance-in-template-literal": "error",
      "@typescript-eslint/no-floating-promises": "error",
      "@typescript-eslint/no-explicit-any": "error",
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_" }],
    },
  },
  // One layer per concern (docs/driver.md): the core of the driver (executor, operations,
  // gates, plan, progress, journal, lock, store, ...) knows no front end, and the live view
  // does not use the CLI's; each front end words and codes what the core reports.
  {
    files: ["automation/**/*.ts"],
    ignores: ["automation/cli/**", "automation/ui/**"],
    rules: {
      "no-restricted-imports": [
        "error",
        {
          patterns: [
            {
              regex: "^(\\.\\./)+(cli|ui)(/|$)",
              message: "the core knows no front end: return facts and let cli/ or ui/ word them",
            },
          ],
        },
      ],
    },
  },
  {
    files: ["automation/ui/**/*.ts"],
    rules: {
      "no-restricted-imports": [
        "error",
        {
          patterns: [
            {
              regex: "^(\\.\\./)+cli(/|$)",
              message: "the live view does not use the CLI: share through operations/",
            },
          ],
        },
      ],
    },
  },
);
