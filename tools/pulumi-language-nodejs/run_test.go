package main

import (
	"reflect"
	"testing"

	pulumirpc "github.com/pulumi/pulumi/sdk/v3/proto/go"
	"google.golang.org/protobuf/types/known/structpb"
)

func TestRunArgsFollowCmdRunFlags(t *testing.T) {
	req := &pulumirpc.RunRequest{
		MonitorAddress: "127.0.0.1:1",
		Organization:   "organization",
		Project:        "outpost-fleet",
		Stack:          "us",
		DryRun:         true,
		Parallel:       16,
		Args:           []string{"extra"},
		Info: &pulumirpc.ProgramInfo{
			RootDirectory: "/p", ProgramDirectory: "/p/infra", EntryPoint: "index.ts",
		},
	}
	got := runArgs(req, "/nm/run/index.js", "127.0.0.1:2", "")
	want := []string{
		"/nm/run/index.js",
		"--monitor", "127.0.0.1:1", "--engine", "127.0.0.1:2", "--organization", "organization",
		"--project", "outpost-fleet", "--root-directory", "/p", "--stack", "us", "--pwd", "/p/infra",
		"--dry-run", "--parallel", "16", "index.ts", "extra",
	}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("runArgs:\n got %q\nwant %q", got, want)
	}
}

func TestRunArgsDefaultEntryPointAndNoEmptyFlags(t *testing.T) {
	req := &pulumirpc.RunRequest{MonitorAddress: "m", Info: &pulumirpc.ProgramInfo{ProgramDirectory: "/p"}}
	got := runArgs(req, "run", "", "")
	want := []string{"run", "--monitor", "m", "--pwd", "/p", "--parallel", "0", "."}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("runArgs:\n got %q\nwant %q", got, want)
	}
}

func TestConfigEnvSerializesConfigAndSecretKeys(t *testing.T) {
	env, err := configEnv(&pulumirpc.RunRequest{
		Config:           map[string]string{"outpost-fleet:release": `{"version":"2.0.0"}`},
		ConfigSecretKeys: []string{"outpost-fleet:token"},
	})
	if err != nil {
		t.Fatal(err)
	}
	want := []string{
		`PULUMI_CONFIG={"outpost-fleet:release":"{\"version\":\"2.0.0\"}"}`,
		`PULUMI_CONFIG_SECRET_KEYS=["outpost-fleet:token"]`,
	}
	if !reflect.DeepEqual(env, want) {
		t.Fatalf("configEnv:\n got %q\nwant %q", env, want)
	}
	empty, _ := configEnv(&pulumirpc.RunRequest{})
	if !reflect.DeepEqual(empty, []string{"PULUMI_CONFIG={}", "PULUMI_CONFIG_SECRET_KEYS=[]"}) {
		t.Fatalf("configEnv of an empty request: %q", empty)
	}
}

func TestParseOptions(t *testing.T) {
	opts, err := parseOptions(nil)
	if err != nil || !opts.typescript || len(opts.env()) != 1 {
		t.Fatalf("defaults: %+v %v", opts, err)
	}
	s, _ := structpb.NewStruct(map[string]any{
		"typescript": false, "tsconfig": "tsconfig.app.json", "nodeargs": "--max-old-space-size=4096  --trace-warnings",
	})
	opts, err = parseOptions(s)
	if err != nil {
		t.Fatal(err)
	}
	if opts.typescript || opts.tsconfig != "tsconfig.app.json" ||
		!reflect.DeepEqual(opts.nodeargs, []string{"--max-old-space-size=4096", "--trace-warnings"}) {
		t.Fatalf("parsed: %+v", opts)
	}
	bad, _ := structpb.NewStruct(map[string]any{"typescript": "yes"})
	if _, err := parseOptions(bad); err == nil {
		t.Fatal("a non-boolean typescript option must be refused")
	}
}

func TestPolicyPackEnv(t *testing.T) {
	env, err := policyPackEnv(&pulumirpc.AnalyzerStackConfigureRequest{
		Project: "outpost-fleet", Stack: "us", DryRun: true, Config: map[string]string{"a:b": "c"},
	})
	if err != nil {
		t.Fatal(err)
	}
	want := []string{
		"PULUMI_NODEJS_PROJECT=outpost-fleet", "PULUMI_NODEJS_STACK=us", "PULUMI_NODEJS_DRY_RUN=true",
		`PULUMI_CONFIG={"a:b":"c"}`,
	}
	if !reflect.DeepEqual(env, want) {
		t.Fatalf("policyPackEnv:\n got %q\nwant %q", env, want)
	}
	if env, _ := policyPackEnv(nil); env != nil {
		t.Fatalf("no stack must give no variables, got %q", env)
	}
}
