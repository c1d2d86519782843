// Command pulumi-language-nodejs is outpost-fleet's own minimal Node.js language host for the
// Pulumi engine (CLI 3.248).
//
// Why it exists: the upstream host (module sdk/nodejs/cmd/pulumi-language-nodejs/v3) cannot be
// fetched from the Go module proxy on our machines, and the CLI cannot run a Node.js program or a
// Node.js policy pack without a language host on PATH. This host does only what the engine needs
// for that:
//
//   - Run: start `node @pulumi/pulumi/cmd/run` for a program (preview/up/destroy/refresh).
//   - RunPlugin: start `node @pulumi/pulumi/cmd/run-policy-pack` for a policy pack
//     (and `cmd/run-plugin` for Node.js plugins).
//   - GetRequiredPackages/GetRequiredPlugins: report nothing, so that the engine never tries to
//     download the aws/eks/kubernetes plugins that the project's node_modules mention but that the
//     local target never uses (and that cannot be downloaded here).
//   - Small informational calls (GetPluginInfo, About, GetProgramDependencies) and no-ops
//     (InstallDependencies: npm owns node_modules in this project).
//
// Everything else (code generation, packing, linking, templates) answers codes.Unimplemented.
//
// Protocol with the engine: the engine starts this binary with optional logging/tracing flags and
// the engine's gRPC address as the last positional argument, reads one line with our port number
// from stdout, then talks gRPC to 127.0.0.1:<port>.
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"time"

	"github.com/pulumi/pulumi/sdk/v3/go/common/util/cmdutil"
	"github.com/pulumi/pulumi/sdk/v3/go/common/util/logging"
	"github.com/pulumi/pulumi/sdk/v3/go/common/util/rpcutil"
	pulumirpc "github.com/pulumi/pulumi/sdk/v3/proto/go"
	"google.golang.org/grpc"
)

// version is reported to the engine by GetPluginInfo. The build metadata marks it as our own host
// speaking the protocol of engine 3.248.0; override with -ldflags "-X main.version=...".
var version = "3.248.0+outpost-fleet"

// engineHealthInterval is how often we check that the engine is still alive; when it is gone we
// stop, so that a killed `pulumi` never leaves an orphaned language host behind.
const engineHealthInterval = 30 * time.Second

func main() {
	// The engine may pass --logtostderr, -v=N and --tracing <url> before its address (see
	// buildPluginArguments in the engine). The SDK's logging package registers the first two on
	// the default flag set; we add --tracing. Unknown flags would make us exit before printing our
	// port, so we accept exactly these.
	tracing := flag.String("tracing", "", "Zipkin-compatible tracing endpoint, forwarded to node")
	showVersion := flag.Bool("version", false, "print the version and exit")
	flag.Parse()

	if *showVersion {
		fmt.Println(version)
		return
	}

	logging.InitLogging(false, 0, false) // picks up --logtostderr and -v from the parsed flags

	var engineAddress string
	if args := flag.Args(); len(args) > 0 {
		engineAddress = args[len(args)-1]
	}

	// Ctrl-C (or the engine's interrupt) stops the server gracefully.
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	cancel := make(chan bool)
	go func() {
		<-ctx.Done()
		close(cancel)
	}()

	host := newHost(engineAddress, *tracing)
	if engineAddress != "" {
		if err := host.watchEngine(ctx, stop); err != nil {
			cmdutil.Exit(fmt.Errorf("could not watch the engine at %s: %w", engineAddress, err))
		}
	}

	handle, err := rpcutil.ServeWithOptions(rpcutil.ServeOptions{
		Cancel: cancel,
		Init: func(srv *grpc.Server) error {
			pulumirpc.RegisterLanguageRuntimeServer(srv, host)
			return nil
		},
	})
	if err != nil {
		cmdutil.Exit(fmt.Errorf("could not start the language host gRPC server: %w", err))
	}

	// The one line the engine waits for.
	fmt.Printf("%d\n", handle.Port)

	if err := <-handle.Done; err != nil {
		cmdutil.Exit(fmt.Errorf("language host stopped serving: %w", err))
	}
}
