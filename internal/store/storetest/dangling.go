package storetest

import (
	"fmt"
	"strings"
	"testing"

	"github.com/tipster-cti/tipster/internal/store"
)

// testDanglingRefs counts the references to objects the store does not
// hold, through every kind of reference property, after each import: a
// target written later in the same bundle or by an earlier import is
// there; one missing twice counts twice; and an import counts only the
// references of the objects it wrote.
func testDanglingRefs(t *testing.T, s store.Store) {
	id := func(typ string, n int) string { return fmt.Sprintf("%s--00000000-0000-4000-8000-%012d", typ, n) }
	identity := func(n int, extra string) string {
		return fmt.Sprintf(`{"type":"identity","spec_version":"2.1","id":%q,"created":"2020-01-01T00:00:00Z",
			"modified":"2020-01-01T00:00:00Z","name":"org %d","identity_class":"organization"%s}`, id("identity", n), n, extra)
	}
	malware := func(n int, extra string) string {
		return fmt.Sprintf(`{"type":"malware","spec_version":"2.1","id":%q,"created":"2020-01-01T00:00:00Z",
			"modified":"2020-01-01T00:00:00Z","name":"m%d","is_family":true%s}`, id("malware", n), n, extra)
	}
	first := []string{
		identity(1, ""),
		// Missing: an author, a custom reference, and one target twice.
		malware(1, fmt.Sprintf(`,"created_by_ref":%q,"x_acme_owner_ref":%q`, id("identity", 99), id("identity", 98))),
		fmt.Sprintf(`{"type":"report","spec_version":"2.1","id":%q,"created":"2020-01-01T00:00:00Z",
			"modified":"2020-01-01T00:00:00Z","name":"r","published":"2020-01-01T00:00:00Z",
			"created_by_ref":%q,"object_refs":[%q,%q,%q,%q]}`,
			id("report", 1), id("identity", 1), id("malware", 1), id("malware", 2), id("malware", 97), id("identity", 2)),
		// Written after the report that refers to them: not missing.
		malware(2, fmt.Sprintf(`,"created_by_ref":%q`, id("identity", 2))),
		identity(2, ""),
		fmt.Sprintf(`{"type":"relationship","spec_version":"2.1","id":%q,"created":"2020-01-01T00:00:00Z",
			"modified":"2020-01-01T00:00:00Z","relationship_type":"uses","source_ref":%q,"target_ref":%q,
			"object_marking_refs":[%q]}`,
			id("relationship", 1), id("malware", 97), id("malware", 1), id("marking-definition", 96)),
	}
	// identity 99 and 98 from malware 1, malware 97 from the report and from
	// the relationship, and the relationship's marking.
	if sum := ImportJSON(t, s, "["+strings.Join(first, ",")+"]"); sum.DanglingRefs != 5 {
		t.Errorf("first import: %d dangling references, want 5 (%+v)", sum.DanglingRefs, sum)
	}
	// A new object by an author the first import wrote, and one by the
	// author still missing; the first import's objects are not counted
	// again.
	second := []string{
		identity(3, fmt.Sprintf(`,"created_by_ref":%q`, id("identity", 1))),
		malware(3, fmt.Sprintf(`,"created_by_ref":%q,"sample_refs":[%q]`, id("identity", 99), id("malware", 1))),
	}
	if sum := ImportJSON(t, s, "["+strings.Join(second, ",")+"]"); sum.DanglingRefs != 1 {
		t.Errorf("second import: %d dangling references, want 1 (%+v)", sum.DanglingRefs, sum)
	}
	// The missing author arrives: nothing the third import wrote dangles.
	if sum := ImportJSON(t, s, identity(99, "")); sum.DanglingRefs != 0 {
		t.Errorf("third import: %d dangling references, want 0 (%+v)", sum.DanglingRefs, sum)
	}
	// Only the version an import leaves counts: a newer version later in
	// the same bundle drops one missing author and names another, thousands
	// of objects later.
	versioned := func(modified, extra string) string {
		return fmt.Sprintf(`{"type":"malware","spec_version":"2.1","id":%q,"created":"2020-01-01T00:00:00Z",
			"modified":%q,"name":"versioned","is_family":true%s}`, id("malware", 50), modified, extra)
	}
	fourth := []string{versioned("2021-01-01T00:00:00Z", fmt.Sprintf(`,"created_by_ref":%q`, id("identity", 51)))}
	for n := range 5000 {
		fourth = append(fourth, identity(1000+n, ""))
	}
	fourth = append(fourth, versioned("2022-01-01T00:00:00Z", fmt.Sprintf(`,"created_by_ref":%q`, id("identity", 52))))
	if sum := ImportJSON(t, s, "["+strings.Join(fourth, ",")+"]"); sum.DanglingRefs != 1 {
		t.Errorf("fourth import: %d dangling references, want 1 (%+v)", sum.DanglingRefs, sum)
	}
}
