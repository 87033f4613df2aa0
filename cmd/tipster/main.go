// Command tipster is a threat-intelligence platform with an AI analyst
// built in. See README.md.
package main

import (
	"os"

	"github.com/tipster-cti/tipster/internal/cli"
)

func main() { os.Exit(cli.Main(os.Args[1:])) }
