// Package sqlite is the embedded store: one SQLite database file in the
// data directory, through a pure-Go driver, in WAL mode with foreign keys
// on and versioned migrations applied when it opens.
package sqlite

import (
	"context"
	"database/sql"
	"embed"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"

	_ "modernc.org/sqlite" // registers the "sqlite" driver

	"github.com/tipster-cti/tipster/internal/stix"
	"github.com/tipster-cti/tipster/internal/store"
)

//go:embed migrations/*.sql
var migrations embed.FS

// FileName is the database file's name inside the data directory.
const FileName = "tipster.db"

// DB is the SQLite store. It implements store.Store.
type DB struct {
	db      *sql.DB
	path    string
	writers chan struct{} // one import at a time in this process
	writer  *sql.Conn     // the imports' connection, held by the holder of writers
	// writerStmts are the statements prepared on writer, by their SQL.
	writerStmts map[string]*sql.Stmt

	checkpoint  chan struct{} // asks the checkpointer for a checkpoint
	stop        chan struct{} // closed by Close
	stopped     chan struct{} // closed by the checkpointer as it ends
	checkpoints atomic.Int64  // checkpoints run by the checkpointer, for tests
}

// Open opens, or creates, the store in directory dir and applies pending
// migrations.
func Open(ctx context.Context, dir string) (*DB, error) {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, fmt.Errorf("sqlite: create data directory: %w", err)
	}
	path := filepath.Join(dir, FileName)
	// Pages of 8 KiB (for new databases) need fewer reads, writes and
	// b-tree levels than 4 KiB ones; larger pages cost more memory than
	// they save, as the driver's allocator rounds each up. Each connection
	// caches 32 MiB of pages, which costs about twice that in resident
	// memory. Temporary tables, which grow with an import, live in a file,
	// not in memory: a 1 GB import peaked at 239 MB resident (docs/benchmarks.md).
	dsn := "file:" + path + "?_pragma=page_size(8192)&_pragma=foreign_keys(1)" +
		"&_pragma=busy_timeout(10000)&_pragma=synchronous(NORMAL)&_pragma=cache_size(-32768)" +
		"&_pragma=temp_store(FILE)&_txlock=immediate"
	db, err := sql.Open("sqlite", dsn)
	if err != nil {
		return nil, fmt.Errorf("sqlite: open %s: %w", path, err)
	}
	d := &DB{db: db, path: path, writers: make(chan struct{}, 1),
		checkpoint: make(chan struct{}, 1), stop: make(chan struct{}), stopped: make(chan struct{})}
	// After the DSN's pragmas, which the driver runs in alphabetical order,
	// so that page_size comes before WAL mode fixes the page size.
	if _, err := db.ExecContext(ctx, `PRAGMA journal_mode = WAL`); err != nil {
		db.Close()
		return nil, fmt.Errorf("sqlite: WAL mode: %w", err)
	}
	if err := d.migrate(ctx); err != nil {
		db.Close()
		return nil, err
	}
	if err := d.seedMarkings(ctx); err != nil {
		db.Close()
		return nil, err
	}
	go d.checkpointer()
	return d, nil
}

// checkpointer copies the pages that imports committed to the write-ahead
// log into the database file, on a connection of its own, each time an
// import asks. An import's commit would otherwise do it before returning,
// on the importing goroutine: a tenth of the import's time, which here
// runs beside the next import on the other core. The checkpoint is
// passive: it never waits for readers or writers, and what it leaves, a
// later one or SQLite's own at the last close copies.
func (d *DB) checkpointer() {
	defer close(d.stopped)
	for {
		select {
		case <-d.stop:
			return
		case <-d.checkpoint:
			// A failed checkpoint loses nothing: the pages stay in the log.
			d.db.ExecContext(context.Background(), `PRAGMA wal_checkpoint(PASSIVE)`)
			d.checkpoints.Add(1)
		}
	}
}

// SQL returns the underlying database, for the other stores of this
// backend (users, audit, passages) that share its file.
func (d *DB) SQL() *sql.DB { return d.db }

// Close closes the database.
func (d *DB) Close() error {
	select {
	case <-d.stop:
	default:
		close(d.stop)
	}
	<-d.stopped
	select {
	case d.writers <- struct{}{}: // no import is running
		d.closeWriter()
		<-d.writers
	default: // the running import closes the connection as it ends
	}
	return d.db.Close()
}

// migrate applies, in order, each embedded migration not yet recorded in
// schema_migrations, each in its own transaction.
func (d *DB) migrate(ctx context.Context) error {
	if _, err := d.db.ExecContext(ctx, `CREATE TABLE IF NOT EXISTS schema_migrations (
		version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied TEXT NOT NULL DEFAULT (datetime('now')))`); err != nil {
		return fmt.Errorf("sqlite: migrations table: %w", err)
	}
	names, err := fs.Glob(migrations, "migrations/*.sql")
	if err != nil {
		return err
	}
	sort.Strings(names)
	for _, name := range names {
		base := filepath.Base(name)
		version, err := strconv.Atoi(strings.SplitN(base, "_", 2)[0])
		if err != nil {
			return fmt.Errorf("sqlite: migration %s: name must start with a number", base)
		}
		if err := d.apply(ctx, version, name); err != nil {
			return err
		}
	}
	return nil
}

func (d *DB) apply(ctx context.Context, version int, name string) error {
	var n int
	if err := d.db.QueryRowContext(ctx, `SELECT count(*) FROM schema_migrations WHERE version = ?`, version).Scan(&n); err != nil {
		return fmt.Errorf("sqlite: read migrations: %w", err)
	}
	if n > 0 {
		return nil
	}
	body, err := migrations.ReadFile(name)
	if err != nil {
		return err
	}
	tx, err := d.db.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("sqlite: migration %d: %w", version, err)
	}
	defer tx.Rollback()
	if _, err := tx.ExecContext(ctx, string(body)); err != nil {
		return fmt.Errorf("sqlite: migration %s: %w", filepath.Base(name), err)
	}
	if _, err := tx.ExecContext(ctx, `INSERT INTO schema_migrations (version, name) VALUES (?, ?)`, version, filepath.Base(name)); err != nil {
		return fmt.Errorf("sqlite: record migration %d: %w", version, err)
	}
	return tx.Commit()
}

// seedMarkings makes sure the standard TLP marking definitions are stored,
// so that they can be shown and exported like any other object. Once they
// are, opening the store writes nothing: a command that only reads must
// not wait for an import that another process is running.
func (d *DB) seedMarkings(ctx context.Context) error {
	var objs []*stix.Object
	var ids []any
	for _, raw := range stix.BuiltinMarkings() {
		o, err := stix.Parse(raw)
		if err != nil {
			return fmt.Errorf("sqlite: builtin marking: %w", err)
		}
		objs = append(objs, o)
		ids = append(ids, string(o.ID))
	}
	var stored int
	err := d.db.QueryRowContext(ctx, `SELECT count(*) FROM objects WHERE id IN (`+placeholders(len(ids))+`)`,
		ids...).Scan(&stored)
	if err != nil {
		return fmt.Errorf("sqlite: read builtin markings: %w", err)
	}
	if stored == len(objs) {
		return nil
	}
	imp, err := d.Import(ctx)
	if err != nil {
		return err
	}
	defer imp.Rollback()
	for _, o := range objs {
		if _, err := imp.Put(ctx, o); err != nil {
			return err
		}
	}
	_, err = imp.Commit(ctx)
	return err
}

// OpenExisting opens the store in dir, failing when dir holds none rather
// than creating an empty one (a typo in a source path must not look like
// an empty knowledge base).
func OpenExisting(ctx context.Context, dir string) (*DB, error) {
	if _, err := os.Stat(filepath.Join(dir, FileName)); err != nil {
		return nil, fmt.Errorf("sqlite: no Tipster store in %s: %w", dir, err)
	}
	return Open(ctx, dir)
}

// Import starts a batch of writes. SQLite has one writer at a time: imports
// in this process queue here, in order and for as long as their contexts
// allow, rather than fail after busy_timeout; another process's writer is
// waited for by busy_timeout.
func (d *DB) Import(ctx context.Context) (store.Importer, error) {
	select {
	case d.writers <- struct{}{}:
	case <-ctx.Done():
		return nil, fmt.Errorf("sqlite: waiting for another import: %w", ctx.Err())
	}
	conn, err := d.importConn(ctx)
	if err != nil {
		<-d.writers
		return nil, fmt.Errorf("sqlite: begin import: %w", err)
	}
	imp, err := d.begin(ctx, conn)
	if err != nil {
		d.endImport(false)
		return nil, err
	}
	return &queued{importer: imp, end: d.endImport}, nil
}

// importConn returns the connection that imports write on, opening it for
// the first. Imports keep one connection, so that the pages one import
// cached serve the next, and its commits leave the checkpoint to the
// checkpointer. It is called by the holder of d.writers.
func (d *DB) importConn(ctx context.Context) (*sql.Conn, error) {
	if d.writer != nil {
		return d.writer, nil
	}
	conn, err := d.db.Conn(ctx)
	if err != nil {
		return nil, err
	}
	if _, err = conn.ExecContext(ctx, `PRAGMA wal_autocheckpoint = 0`); err != nil {
		conn.Close()
		return nil, err
	}
	d.writer = conn
	return conn, nil
}

// writerStmt returns query prepared on the imports' connection, once for
// as long as the connection lives: an import prepares dozens of statements,
// some of thousands of parameters, and each import would otherwise prepare
// them again. It is called by the holder of d.writers.
func (d *DB) writerStmt(ctx context.Context, query string) (*sql.Stmt, error) {
	if st, ok := d.writerStmts[query]; ok {
		return st, nil
	}
	st, err := d.writer.PrepareContext(ctx, query)
	if err != nil {
		return nil, fmt.Errorf("sqlite: prepare %.60q: %w", query, err)
	}
	if d.writerStmts == nil {
		d.writerStmts = map[string]*sql.Stmt{}
	}
	d.writerStmts[query] = st
	return st, nil
}

// closeWriter closes the imports' connection and its statements.
func (d *DB) closeWriter() {
	for _, st := range d.writerStmts {
		st.Close()
	}
	d.writerStmts = nil
	if d.writer != nil {
		d.writer.Close()
		d.writer = nil
	}
}

// endImport asks for a checkpoint after a commit and lets the next import
// begin. After Close, it closes the imports' connection.
func (d *DB) endImport(committed bool) {
	select {
	case <-d.stop:
		d.closeWriter()
	default:
	}
	if committed {
		select {
		case d.checkpoint <- struct{}{}:
		default: // one is already asked for
		}
	}
	<-d.writers
}

// queued ends its import, letting the next one begin, when it commits or
// rolls back.
type queued struct {
	*importer
	end  func(committed bool)
	once sync.Once
}

func (q *queued) Commit(ctx context.Context) (store.CommitStats, error) {
	stats, err := q.importer.Commit(ctx)
	if err != nil {
		q.importer.Rollback() // the connection must leave its transaction before it ends
	}
	q.once.Do(func() { q.end(err == nil) })
	return stats, err
}

func (q *queued) Rollback() error {
	defer q.once.Do(func() { q.end(false) })
	return q.importer.Rollback()
}
