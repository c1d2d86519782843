export * from "./errors";
export * from "./fleet-config";
export * from "./fingerprint";
export * from "./layers";
export * from "./load";
export * from "./schema";
export * from "./stack-file";
