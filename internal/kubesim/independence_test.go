package kubesim

import (
	"go/ast"
	"go/parser"
	"go/token"
	"path/filepath"
	"strings"
	"testing"
)

// TestKubesimStandsOnItsOwn keeps the simulator off the product's decoders,
// encoders and constants: of internal/kube it may use only the client
// wiring (see doc.go), so that a mistake there is caught, not copied.
func TestKubesimStandsOnItsOwn(t *testing.T) {
	allowed := map[string]bool{"Clients": true, "NewClients": true, "ConfigFromBytes": true, "OpenBytes": true}
	files, err := filepath.Glob("*.go")
	if err != nil {
		t.Fatal(err)
	}
	fset := token.NewFileSet()
	for _, name := range files {
		if strings.HasSuffix(name, "_test.go") {
			continue
		}
		f, err := parser.ParseFile(fset, name, nil, parser.SkipObjectResolution)
		if err != nil {
			t.Fatal(err)
		}
		local := ""
		for _, imp := range f.Imports {
			if imp.Path.Value == `"github.com/scs-migrate/scs-migrate/internal/kube"` {
				local = "kube"
				if imp.Name != nil {
					local = imp.Name.Name
				}
			}
		}
		if local == "" {
			continue
		}
		ast.Inspect(f, func(n ast.Node) bool {
			if sel, ok := n.(*ast.SelectorExpr); ok {
				if id, ok := sel.X.(*ast.Ident); ok && id.Name == local && !allowed[sel.Sel.Name] {
					t.Errorf("%s: uses kube.%s; take it from the upstream API packages instead", fset.Position(sel.Pos()), sel.Sel.Name)
				}
			}
			return true
		})
	}
}
