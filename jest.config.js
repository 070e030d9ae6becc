/** @type {import('jest').Config} */
module.exports = {
  preset: "ts-jest",
  testEnvironment: "node",
  roots: ["<rootDir>/tests"],
  testMatch: ["**/*.test.ts"],
  // Type-checking is done once by `npm run build`; isolatedModules (tsconfig) makes ts-jest transpile per file, fast.
  transform: { "^.+\\.ts$": ["ts-jest", {}] },
  testTimeout: 60000,
};
