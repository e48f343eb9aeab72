package configs

import _ "embed" // the playground's configuration ships inside the binary

// playgroundYAML is playground.yaml, a string so nothing can change it.
//
//go:embed playground.yaml
var playgroundYAML string

// PlaygroundYAML is the configuration `dingops playground` runs: a
// commented, complete configuration whose emulator addresses are ${NAME}
// placeholders the playground fills in before Parse. Each call returns a
// fresh copy.
func PlaygroundYAML() []byte { return []byte(playgroundYAML) }
