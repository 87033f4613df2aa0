//go:build unix

package sqlite

import (
	"bytes"
	"context"
	"os"
	"testing"
	"time"

	"github.com/tipster-cti/tipster/internal/ingest"
	"github.com/tipster-cti/tipster/scripts/genbundle/gen"
)

// TestCheckpointsFollowImports checks that each import's pages reach the
// database file and that the write-ahead log does not hold every import:
// an import's commit does not copy its pages into the file, the
// checkpointer does after it, and the next import then writes the log
// again from its start. Were the checkpoints lost, the file would keep the
// size it had before the imports and the log would grow by every import.
func TestCheckpointsFollowImports(t *testing.T) {
	ctx := context.Background()
	d, err := Open(ctx, t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	var wal, dbSize int64
	for i := range 6 {
		var buf bytes.Buffer
		if _, err := gen.Write(&buf, gen.Config{Seed: uint64(i + 1), Objects: 1500}); err != nil {
			t.Fatal(err)
		}
		done := d.checkpoints.Load()
		sum, err := ingest.Bundle(ctx, d, &buf, ingest.Options{})
		if err != nil {
			t.Fatal(err)
		}
		if sum.Created < 1000 {
			t.Fatalf("import %d created %d objects: the generator repeated itself", i, sum.Created)
		}
		for deadline := time.Now().Add(30 * time.Second); d.checkpoints.Load() == done; {
			if time.Now().After(deadline) {
				t.Fatalf("no checkpoint within 30 s of import %d", i)
			}
			time.Sleep(10 * time.Millisecond)
		}
		fi, err := os.Stat(d.path + "-wal")
		if err != nil {
			t.Fatal(err)
		}
		db, err := os.Stat(d.path)
		if err != nil {
			t.Fatal(err)
		}
		var pages, pageSize int64
		if err := d.db.QueryRow(`SELECT page_count, page_size FROM pragma_page_count, pragma_page_size`).
			Scan(&pages, &pageSize); err != nil {
			t.Fatal(err)
		}
		if db.Size() != pages*pageSize {
			t.Errorf("after import %d the database file holds %d bytes, its pages %d", i, db.Size(), pages*pageSize)
		}
		wal, dbSize = fi.Size(), db.Size()
	}
	// Six imports of one size: without restarts the log would hold them all,
	// about twice the database; with them it holds the last.
	if wal >= dbSize {
		t.Errorf("the log (%d bytes) holds more than the database (%d bytes): it was not restarted", wal, dbSize)
	}
}

// TestCloseDuringImport checks that closing the store does not wait for an
// import that is still open, and that the import can still end.
func TestCloseDuringImport(t *testing.T) {
	ctx := context.Background()
	d, err := Open(ctx, t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	im, err := d.Import(ctx)
	if err != nil {
		t.Fatal(err)
	}
	closed := make(chan error, 1)
	go func() { closed <- d.Close() }()
	select {
	case err := <-closed:
		if err != nil {
			t.Errorf("close: %v", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("Close waited for the open import")
	}
	if err := im.Rollback(); err != nil {
		t.Logf("rollback after close: %v", err)
	}
	if d.writer != nil {
		t.Error("the imports' connection stayed open after the import ended")
	}
	if _, err := d.Import(ctx); err == nil {
		t.Error("an import began on a closed store")
	}
}

// TestImportsAfterFailedImports checks that an import that fails, on bad
// input or a cancelled context, leaves the imports' connection ready for
// the next: the statements it prepared serve the next import, and nothing
// of the failed ones is kept.
func TestImportsAfterFailedImports(t *testing.T) {
	ctx := context.Background()
	d, err := Open(ctx, t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	bundle := func(seed uint64) []byte {
		var buf bytes.Buffer
		if _, err := gen.Write(&buf, gen.Config{Seed: seed, Objects: 3000}); err != nil {
			t.Fatal(err)
		}
		return buf.Bytes()
	}
	count := func() (n int) {
		if err := d.db.QueryRow(`SELECT count(*) FROM objects WHERE type <> 'marking-definition'`).Scan(&n); err != nil {
			t.Fatal(err)
		}
		return n
	}
	broken := bundle(1)
	broken = append(broken[:len(broken)*2/3:len(broken)*2/3], `,,]}`...)
	if _, err := ingest.Bundle(ctx, d, bytes.NewReader(broken), ingest.Options{}); err == nil {
		t.Fatal("a broken bundle imported")
	}
	cancelled, cancel := context.WithCancel(ctx)
	r := &cancelAfter{r: bytes.NewReader(bundle(2)), n: 1_500_000, cancel: cancel}
	if _, err := ingest.Bundle(cancelled, d, r, ingest.Options{}); err == nil {
		t.Fatal("an import went on after its context was cancelled")
	}
	if n := count(); n != 0 {
		t.Fatalf("%d objects kept from failed imports", n)
	}
	sum, err := ingest.Bundle(ctx, d, bytes.NewReader(bundle(3)), ingest.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if n := count(); n != sum.Created || n < 2000 {
		t.Errorf("%d objects stored after an import that created %d", n, sum.Created)
	}
	checkLevels(t, d, "after failed imports")
}

// cancelAfter reads r and cancels a context once n bytes have been read.
type cancelAfter struct {
	r      *bytes.Reader
	n      int
	cancel context.CancelFunc
}

func (c *cancelAfter) Read(p []byte) (int, error) {
	if c.n <= 0 {
		c.cancel()
	}
	n, err := c.r.Read(p)
	c.n -= n
	return n, err
}

// TestOpenDoesNotWaitForAnotherWriter checks that opening a store that
// another process is importing into writes nothing, and so does not wait
// for that import (busy_timeout is 10 s).
func TestOpenDoesNotWaitForAnotherWriter(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	writer, err := Open(ctx, dir)
	if err != nil {
		t.Fatal(err)
	}
	defer writer.Close()
	im, err := writer.Import(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer im.Rollback()
	short, cancel := context.WithTimeout(ctx, 3*time.Second)
	defer cancel()
	reader, err := Open(short, dir)
	if err != nil {
		t.Fatalf("opening beside a running import: %v", err)
	}
	reader.Close()
}
