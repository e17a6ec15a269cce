// The table test/core/quantity-apiserver.json: what Kubernetes' own code (k8s.io/apimachinery v0.31.14, the API
// server of the cluster tier's oldest minor) makes of each quantity of inputs.txt: `stored`, the text the API server
// writes back after decoding an object (a JSON round trip), and `canonical`, the form of a computed quantity. The
// canonicaliser of lib/core/quantity.ts is tested against it. Regenerate (needs go and the module proxy):
//
//	cd scripts/quantity-table && go run . < inputs.txt > ../../test/core/quantity-apiserver.json
package main

import (
	"bufio"
	"encoding/json"
	"fmt"
	"os"

	"k8s.io/apimachinery/pkg/api/resource"
)

type row struct {
	Input     string `json:"input"`
	Stored    string `json:"stored"`
	Canonical string `json:"canonical"`
}

func main() {
	scanner := bufio.NewScanner(os.Stdin)
	rows := []row{}
	for scanner.Scan() {
		input := scanner.Text()
		q, err := resource.ParseQuantity(input)
		if err != nil {
			fmt.Fprintf(os.Stderr, "%s: %v\n", input, err)
			os.Exit(1)
		}
		encoded, _ := json.Marshal(q)
		var stored string
		if err := json.Unmarshal(encoded, &stored); err != nil {
			panic(err)
		}
		// Add clears the remembered text, so String() prints the canonical form of the value.
		computed := q.DeepCopy()
		computed.Add(resource.Quantity{Format: q.Format})
		rows = append(rows, row{Input: input, Stored: stored, Canonical: computed.String()})
	}
	out, _ := json.MarshalIndent(rows, "", "  ")
	fmt.Println(string(out))
}
