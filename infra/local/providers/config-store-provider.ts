import type * as dynamic from "@pulumi/pulumi/dynamic";
import { randomBytes } from "node:crypto";
import * as fs from "node:fs";
import * as path from "node:path";
import { changedKeys } from "./changes";
import { parameterPathProblem, readDocuments, syncDocuments } from "./config-store-files";
import { ConfigStoreInputs, ConfigStoreOutputs } from "./config-store-types";

/** What a document change is; the folder never counts: the files stay where they were written. */
const STORE_KEYS = ["root", "documents", "tags"] as const;

/** Why these inputs are unusable; empty when they are fine. */
export function configStoreInputProblems(
  news: ConfigStoreInputs,
): { property: string; reason: string }[] {
  const problems: { property: string; reason: string }[] = [];
  if (typeof news.storeDir !== "string" || !path.isAbsolute(news.storeDir)) {
    problems.push({
      property: "storeDir",
      reason: `must be an absolute path; got ${String(news.storeDir)}`,
    });
  }
  for (const key of Object.keys(news.documents)) {
    const problem = parameterPathProblem(key);
    if (problem !== undefined) problems.push({ property: "documents", reason: problem });
    else if (!key.startsWith(`${news.root}/`)) {
      problems.push({ property: "documents", reason: `${key} is not under the root ${news.root}` });
    }
  }
  return problems;
}

/**
 * Dynamic provider of the local config store: the stack's config documents as files, the
 * local stand-in for SSM Parameter Store. Every change is an update in place (files rewritten
 * atomically, stale ones removed); `refresh` reads the files back, so an edited or deleted
 * file shows as drift and the next `up` restores it. Like the other local providers, it needs
 * nothing but Node's own modules (docs/local-target.md).
 */
export const configStoreProvider: dynamic.ResourceProvider<ConfigStoreInputs, ConfigStoreOutputs> =
  {
    async check(_olds, news) {
      const failures = configStoreInputProblems(news);
      return failures.length > 0 ? { failures } : { inputs: news };
    },

    async diff(_id, olds, news) {
      return {
        changes: changedKeys(olds, news, STORE_KEYS).length > 0,
        replaces: [],
        deleteBeforeReplace: false,
      };
    },

    async create(inputs) {
      syncDocuments(inputs.storeDir, inputs.documents);
      return { id: `config-store-${randomBytes(4).toString("hex")}`, outs: { ...inputs } };
    },

    async read(id, props) {
      if (props === undefined) return { id, props };
      const documents = readDocuments(props.storeDir, Object.keys(props.documents));
      return { id, props: { ...props, documents } };
    },

    async update(_id, olds, news) {
      syncDocuments(olds.storeDir, news.documents, olds.documents);
      return { outs: { ...news, storeDir: olds.storeDir } };
    },

    async delete(_id, props) {
      fs.rmSync(props.storeDir, { recursive: true, force: true });
    },
  };
