package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"sync"
	"time"

	sdk "github.com/pulumi/pulumi/sdk/v3"
	"github.com/pulumi/pulumi/sdk/v3/go/common/util/logging"
	pulumirpc "github.com/pulumi/pulumi/sdk/v3/proto/go"
	"google.golang.org/protobuf/types/known/structpb"
)

const (
	// The entry points inside @pulumi/pulumi that the engine's protocol expects us to start.
	runModule        = "@pulumi/pulumi/cmd/run"
	runPluginModule  = "@pulumi/pulumi/cmd/run-plugin"
	runPolicyModule  = "@pulumi/pulumi/cmd/run-policy-pack"
	analyzerKind     = "analyzer" // apitype.AnalyzerPlugin
	interruptTimeout = 5 * time.Second

	// cmd/run exits with this code after it has already shown the user an actionable error; the
	// engine must then stop without adding messages of its own ("bail").
	exitAfterUserActionableMessage = 32
)

// nodeOptions are the `runtime.options` of Pulumi.yaml / PulumiPolicy.yaml that we honour.
type nodeOptions struct {
	typescript bool     // default true: cmd/run registers ts-node
	tsconfig   string   // PULUMI_NODEJS_TSCONFIG_PATH
	nodeargs   []string // extra arguments for node, split on whitespace (no shell quoting)
}

func parseOptions(opts *structpb.Struct) (nodeOptions, error) {
	out := nodeOptions{typescript: true}
	m := opts.AsMap()
	if v, ok := m["typescript"]; ok {
		b, isBool := v.(bool)
		if !isBool {
			return out, errors.New("runtime option typescript must be a boolean")
		}
		out.typescript = b
	}
	if v, ok := m["tsconfig"]; ok {
		s, isString := v.(string)
		if !isString {
			return out, errors.New("runtime option tsconfig must be a string")
		}
		out.tsconfig = s
	}
	if v, ok := m["nodeargs"]; ok {
		s, isString := v.(string)
		if !isString {
			return out, errors.New("runtime option nodeargs must be a string")
		}
		out.nodeargs = strings.Fields(s)
	}
	return out, nil
}

func (o nodeOptions) env() []string {
	var env []string
	if o.typescript {
		env = append(env, "PULUMI_NODEJS_TYPESCRIPT=true")
	}
	if o.tsconfig != "" {
		env = append(env, "PULUMI_NODEJS_TSCONFIG_PATH="+o.tsconfig)
	}
	return env
}

// resolveModule finds a module the way the program itself would: `require.resolve` run by node
// from the program's (or policy pack's) directory, so that its own node_modules wins.
func resolveModule(ctx context.Context, node, module, dir string) (string, error) {
	script := fmt.Sprintf("console.log(require.resolve(%q))", module)
	cmd := exec.CommandContext(ctx, node, "-e", script)
	cmd.Dir = dir
	var stderr strings.Builder
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		return "", fmt.Errorf("cannot resolve %s from %s (is @pulumi/pulumi installed there? run npm ci): %v: %s",
			module, dir, err, strings.TrimSpace(stderr.String()))
	}
	return strings.TrimSpace(string(out)), nil
}

// runArgs builds the command line of cmd/run; the flags are the ones its minimist parser reads
// (node_modules/@pulumi/pulumi/cmd/run/index.js), which it copies into PULUMI_NODEJS_* variables.
// The program connects straight to the engine's resource monitor: unlike the upstream host we
// do not proxy the monitor, and we do not offer the deprecated synchronous-invoke pipes (--sync).
func runArgs(req *pulumirpc.RunRequest, runPath, engineAddress, tracing string) []string {
	args := []string{runPath}
	add := func(flag, value string) {
		if value != "" {
			args = append(args, "--"+flag, value)
		}
	}
	add("monitor", req.GetMonitorAddress())
	add("engine", engineAddress)
	add("organization", req.GetOrganization())
	add("project", req.GetProject())
	add("root-directory", req.GetInfo().GetRootDirectory())
	add("stack", req.GetStack())
	add("pwd", req.GetInfo().GetProgramDirectory())
	if req.GetDryRun() {
		args = append(args, "--dry-run")
	}
	add("parallel", strconv.Itoa(int(req.GetParallel())))
	add("tracing", tracing)
	entry := req.GetInfo().GetEntryPoint()
	if entry == "" {
		entry = "."
	}
	args = append(args, entry)
	return append(args, req.GetArgs()...)
}

// configEnv passes stack config the way @pulumi/pulumi reads it (runtime/config.js): a JSON
// object in PULUMI_CONFIG keyed `namespace:name`, and a JSON array of the secret keys.
func configEnv(req *pulumirpc.RunRequest) ([]string, error) {
	config := req.GetConfig()
	if config == nil {
		config = map[string]string{}
	}
	secrets := req.GetConfigSecretKeys()
	if secrets == nil {
		secrets = []string{}
	}
	configJSON, err := json.Marshal(config)
	if err != nil {
		return nil, err
	}
	secretsJSON, err := json.Marshal(secrets)
	if err != nil {
		return nil, err
	}
	return []string{"PULUMI_CONFIG=" + string(configJSON), "PULUMI_CONFIG_SECRET_KEYS=" + string(secretsJSON)}, nil
}

// Run executes a Pulumi program: node <run> <flags> <entry point>.
func (h *host) Run(ctx context.Context, req *pulumirpc.RunRequest) (*pulumirpc.RunResponse, error) {
	fail := func(err error) (*pulumirpc.RunResponse, error) {
		return &pulumirpc.RunResponse{Error: err.Error()}, nil
	}
	if req.GetInfo() == nil {
		return fail(errors.New("the engine sent no program info; this host needs Pulumi CLI 3.248"))
	}
	node, err := exec.LookPath("node")
	if err != nil {
		return fail(fmt.Errorf("could not find node on PATH: %w", err))
	}
	opts, err := parseOptions(req.GetInfo().GetOptions())
	if err != nil {
		return fail(err)
	}
	runPath, err := resolveModule(ctx, node, runModule, req.GetInfo().GetProgramDirectory())
	if err != nil {
		return fail(err)
	}
	cfg, err := configEnv(req)
	if err != nil {
		return fail(fmt.Errorf("could not serialize stack config: %w", err))
	}

	args := append(append([]string{}, opts.nodeargs...), runArgs(req, runPath, h.engine(), h.tracing)...)
	logging.V(5).Infof("running program: %s %s", node, strings.Join(args, " "))

	// Stop node when the engine cancels (Cancel RPC) or abandons the request.
	cmdCtx, cancel := context.WithCancel(h.cancelCtx)
	defer cancel()
	stopWithCtx := context.AfterFunc(ctx, cancel)
	defer stopWithCtx()

	cmd := exec.CommandContext(cmdCtx, node, args...)
	cmd.Dir = req.GetPwd()
	cmd.Env = append(append(os.Environ(), cfg...), opts.env()...)
	// The engine shows whatever we print as the program's output. Wrapping os.Stdout/os.Stderr in
	// plain io.Writers makes exec copy through pipes instead of handing node our own file
	// descriptors: node switches its stdio to non-blocking mode, which would break our own writes.
	cmd.Stdout = struct{ io.Writer }{os.Stdout}
	cmd.Stderr = struct{ io.Writer }{os.Stderr}
	interruptOnCancel(cmd)

	if err := cmd.Run(); err != nil {
		var exitErr *exec.ExitError
		if errors.As(err, &exitErr) {
			if exitErr.ExitCode() == exitAfterUserActionableMessage {
				return &pulumirpc.RunResponse{Bail: true}, nil
			}
			return fail(fmt.Errorf("Program exited with non-zero exit code: %d", exitErr.ExitCode()))
		}
		return fail(fmt.Errorf("could not run the program with %s: %w", node, err))
	}
	return &pulumirpc.RunResponse{}, nil
}

// interruptOnCancel makes a cancelled command get SIGINT first (node then flushes and shuts down
// cleanly), and a kill only if it is still running interruptTimeout later.
func interruptOnCancel(cmd *exec.Cmd) {
	cmd.Cancel = func() error {
		if err := cmd.Process.Signal(os.Interrupt); err != nil {
			return cmd.Process.Kill()
		}
		return nil
	}
	cmd.WaitDelay = interruptTimeout
}

// streamWriter turns writes into RunPluginResponse messages. gRPC forbids concurrent Send calls
// on one stream, and exec copies stdout and stderr on two goroutines, hence the shared lock.
type streamWriter struct {
	mu     *sync.Mutex
	server pulumirpc.LanguageRuntime_RunPluginServer
	stderr bool
}

func (w streamWriter) Write(p []byte) (int, error) {
	data := append([]byte(nil), p...)
	msg := &pulumirpc.RunPluginResponse{Output: &pulumirpc.RunPluginResponse_Stdout{Stdout: data}}
	if w.stderr {
		msg = &pulumirpc.RunPluginResponse{Output: &pulumirpc.RunPluginResponse_Stderr{Stderr: data}}
	}
	w.mu.Lock()
	defer w.mu.Unlock()
	if err := w.server.Send(msg); err != nil {
		return 0, err
	}
	return len(p), nil
}

// RunPlugin starts a plugin written in Node.js. CLI 3.221+ starts Node.js policy packs this way
// (kind "analyzer"), replacing the old pulumi-analyzer-policy launcher:
//
//	node @pulumi/pulumi/cmd/run-policy-pack <engine args...> <policy pack dir>
//
// resolved and run from the policy pack's own directory. Other kinds run cmd/run-plugin with the
// plugin directory first. Output is streamed back; a non-zero exit is reported as an exit code.
func (h *host) RunPlugin(req *pulumirpc.RunPluginRequest, server pulumirpc.LanguageRuntime_RunPluginServer) error {
	ctx := server.Context()
	if req.GetInfo() == nil {
		return errors.New("the engine sent no plugin info; this host needs Pulumi CLI 3.248")
	}
	dir := req.GetInfo().GetProgramDirectory()
	node, err := exec.LookPath("node")
	if err != nil {
		return fmt.Errorf("could not find node on PATH: %w", err)
	}
	opts, err := parseOptions(req.GetInfo().GetOptions())
	if err != nil {
		return err
	}

	isPolicyPack := req.GetKind() == analyzerKind
	module := runPluginModule
	if isPolicyPack {
		module = runPolicyModule
	}
	runPath, err := resolveModule(ctx, node, module, dir)
	if err != nil {
		return err
	}

	args := append(append([]string{}, opts.nodeargs...), runPath)
	workDir := req.GetPwd()
	if isPolicyPack {
		// run-policy-pack expects <engine address> <program>; the engine's args end with its address.
		args = append(append(args, req.GetArgs()...), dir)
		workDir = dir // policy packs have always run from their own folder
	} else {
		args = append(append(args, dir), req.GetArgs()...)
	}

	var mu sync.Mutex
	var stdout io.Writer = streamWriter{mu: &mu, server: server}
	stderr := streamWriter{mu: &mu, server: server, stderr: true}
	env := append(append([]string{}, req.GetEnv()...), opts.env()...)

	// Policy packs written against @pulumi/policy learn the project, stack and config from
	// environment variables, but the engine only sends them later, in an Analyzer.ConfigureStack
	// call. The SDK's PolicyProxy answers the engine first (it prints its own port in our
	// stream), waits for ConfigureStack, and after we start node it forwards everything to the
	// real policy pack.
	var proxy *sdk.PolicyProxy
	if isPolicyPack {
		proxy, stdout, err = sdk.NewPolicyProxy(ctx, stdout)
		if err != nil {
			return fmt.Errorf("could not start the policy pack proxy: %w", err)
		}
		stack, err := proxy.AwaitConfiguration(ctx)
		if err != nil {
			return fmt.Errorf("waiting for the stack configuration: %w", err)
		}
		policyEnv, err := policyPackEnv(stack)
		if err != nil {
			return err
		}
		env = append(env, policyEnv...)
	}

	cmd := exec.CommandContext(ctx, node, args...)
	cmd.Dir = workDir
	cmd.Env = env
	cmd.Stdout, cmd.Stderr = stdout, stderr
	interruptOnCancel(cmd)
	logging.V(5).Infof("running plugin: %s %s", node, strings.Join(args, " "))

	if err := cmd.Start(); err != nil {
		return fmt.Errorf("could not start %s: %w", node, err)
	}
	if proxy != nil {
		err = proxy.Attach(ctx, cmd) // waits for node to exit
	} else {
		err = cmd.Wait()
	}
	var exitErr *exec.ExitError
	if errors.As(err, &exitErr) {
		mu.Lock()
		defer mu.Unlock()
		return server.Send(&pulumirpc.RunPluginResponse{
			Output: &pulumirpc.RunPluginResponse_Exitcode{Exitcode: int32(exitErr.ExitCode())},
		})
	}
	return err
}

// policyPackEnv turns the engine's stack description into the variables @pulumi/policy reads.
func policyPackEnv(stack *pulumirpc.AnalyzerStackConfigureRequest) ([]string, error) {
	if stack == nil {
		return nil, nil // e.g. `pulumi policy publish`: there is no stack
	}
	var env []string
	add := func(k, v string) {
		if v != "" {
			env = append(env, k+"="+v)
		}
	}
	add("PULUMI_NODEJS_ORGANIZATION", stack.GetOrganization())
	add("PULUMI_NODEJS_PROJECT", stack.GetProject())
	add("PULUMI_NODEJS_STACK", stack.GetStack())
	add("PULUMI_NODEJS_DRY_RUN", strconv.FormatBool(stack.GetDryRun()))
	if cfg := stack.GetConfig(); cfg != nil {
		data, err := json.Marshal(cfg)
		if err != nil {
			return nil, fmt.Errorf("could not serialize stack config for the policy pack: %w", err)
		}
		add("PULUMI_CONFIG", string(data))
	}
	return env, nil
}
