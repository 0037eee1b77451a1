package schema

import (
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"reflect"
	"strings"
)

// comments are the doc comments of the module's types and their fields,
// read from the source on first use of each package.
type comments struct {
	root string
	// docs maps "pkgpath.Type" and "pkgpath.Type.Field" to their text.
	docs   map[string]string
	loaded map[string]bool
	err    error
}

func newComments(root string) *comments {
	return &comments{root: root, docs: map[string]string{}, loaded: map[string]bool{}}
}

// lookup is the doc comment of type t or, with field set, of its field:
// the comment above it or, failing that, the one at the end of its line.
func (c *comments) lookup(t reflect.Type, field string) string {
	pkg := t.PkgPath()
	if pkg != Module && !strings.HasPrefix(pkg, Module+"/") {
		return ""
	}
	c.load(pkg)
	key := pkg + "." + t.Name()
	if field != "" {
		key += "." + field
	}
	return c.docs[key]
}

func (c *comments) load(pkg string) {
	if c.loaded[pkg] || c.err != nil {
		return
	}
	c.loaded[pkg] = true
	dir := filepath.Join(c.root, filepath.FromSlash(strings.TrimPrefix(strings.TrimPrefix(pkg, Module), "/")))
	entries, err := os.ReadDir(dir)
	if err != nil {
		c.err = fmt.Errorf("read the doc comments of %s: %w", pkg, err)
		return
	}
	fset := token.NewFileSet()
	for _, e := range entries {
		name := e.Name()
		if e.IsDir() || !strings.HasSuffix(name, ".go") || strings.HasSuffix(name, "_test.go") {
			continue
		}
		f, err := parser.ParseFile(fset, filepath.Join(dir, name), nil, parser.ParseComments|parser.SkipObjectResolution)
		if err != nil {
			c.err = fmt.Errorf("read the doc comments of %s: %w", pkg, err)
			return
		}
		c.file(pkg, f)
	}
}

func (c *comments) file(pkg string, f *ast.File) {
	for _, decl := range f.Decls {
		gd, ok := decl.(*ast.GenDecl)
		if !ok || gd.Tok != token.TYPE {
			continue
		}
		for _, spec := range gd.Specs {
			ts := spec.(*ast.TypeSpec)
			if !ts.Name.IsExported() {
				continue
			}
			doc := ts.Doc
			if doc == nil && len(gd.Specs) == 1 {
				doc = gd.Doc
			}
			key := pkg + "." + ts.Name.Name
			c.docs[key] = text(doc)
			st, ok := ts.Type.(*ast.StructType)
			if !ok {
				continue
			}
			for _, fld := range st.Fields.List {
				txt := text(fld.Doc)
				if txt == "" {
					txt = text(fld.Comment)
				}
				for _, n := range fld.Names {
					if n.IsExported() && txt != "" {
						c.docs[key+"."+n.Name] = txt
					}
				}
			}
		}
	}
}

// text is a comment's text with its lines joined into paragraphs: a
// description reads the same whatever width the source was wrapped at.
func text(g *ast.CommentGroup) string {
	if g == nil {
		return ""
	}
	var paras []string
	for _, p := range strings.Split(strings.TrimSpace(g.Text()), "\n\n") {
		paras = append(paras, strings.Join(strings.Fields(p), " "))
	}
	return strings.Join(paras, "\n\n")
}
