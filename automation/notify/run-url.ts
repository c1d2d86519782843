/**
 * The web page of the CI run that drives the release, from the variables CI systems set:
 * GitHub Actions (GITHUB_SERVER_URL, GITHUB_REPOSITORY, GITHUB_RUN_ID, GITHUB_RUN_ATTEMPT),
 * GitLab (CI_JOB_URL), CodeBuild (CODEBUILD_BUILD_URL), Buildkite (BUILDKITE_BUILD_URL) and
 * Jenkins (BUILD_URL). OUTPOST_FLEET_RUN_URL wins over all of them. Null outside CI.
 */
export function runUrlFrom(env: NodeJS.ProcessEnv): string | null {
  if (env.OUTPOST_FLEET_RUN_URL) return env.OUTPOST_FLEET_RUN_URL;
  const { GITHUB_SERVER_URL, GITHUB_REPOSITORY, GITHUB_RUN_ID, GITHUB_RUN_ATTEMPT } = env;
  if (GITHUB_SERVER_URL && GITHUB_REPOSITORY && GITHUB_RUN_ID) {
    const attempt = GITHUB_RUN_ATTEMPT ? `/attempts/${GITHUB_RUN_ATTEMPT}` : "";
    return `${GITHUB_SERVER_URL.replace(/\/$/, "")}/${GITHUB_REPOSITORY}/actions/runs/${GITHUB_RUN_ID}${attempt}`;
  }
  return (
    env.CI_JOB_URL ?? env.CODEBUILD_BUILD_URL ?? env.BUILDKITE_BUILD_URL ?? env.BUILD_URL ?? null
  );
}
