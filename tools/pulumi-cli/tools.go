//go:build tools

// Package tools pins the Pulumi CLI that scripts/toolchain.sh builds. The CLI cannot be
// downloaded on our machines, so we build it from the Go module proxy at the version that matches
// @pulumi/pulumi in package.json. go.sum makes the build reproducible.
//
// Build (what the script runs):
//
//	CGO_ENABLED=0 go build -ldflags "-X github.com/pulumi/pulumi/sdk/v3/go/common/version.Version=v3.248.0" \
//	    -o ../../.tools/bin/pulumi github.com/pulumi/pulumi/pkg/v3/cmd/pulumi
//
// The replace directive in go.mod is copied from pkg/v3's own go.mod: `go install pkg@version`
// refuses modules with replace directives, which is why this wrapper module exists.
package tools

import (
	_ "github.com/pulumi/pulumi/pkg/v3/cmd/pulumi"
	// The version variable we set with -X; without it the Automation API cannot parse the
	// CLI's version.
	_ "github.com/pulumi/pulumi/sdk/v3/go/common/version"
)
