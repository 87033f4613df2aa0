package index

import (
	"context"
	"time"
)

// Storage keeps the index's tables in one backend's database: the
// passages, their full-text index, their vectors, the embedding jobs and
// the generation counter. The SQLite and PostgreSQL stores implement it
// (their Passages method), next to the objects table the passages are
// cut from; Index holds what both share (cutting, caches, the embedding
// loop).
type Storage interface {
	// Generation returns the counter bumped by every change to passages,
	// levels or vectors.
	Generation(ctx context.Context) (int64, error)
	// SyncLevels copies changed object levels to the passage sources,
	// bumping the generation when any changed, and returns how many did.
	SyncLevels(ctx context.Context) (int, error)
	// SyncBatch cuts again, in one transaction, up to limit objects whose
	// passages are missing or stale (see Cutter), bumping the generation
	// when it cut any.
	SyncBatch(ctx context.Context, limit int) (SyncStats, error)
	// Passages returns the passages with the given ids, unknown ones left
	// out, in no particular order.
	Passages(ctx context.Context, ids []int64) ([]Passage, error)
	// Heads returns the passage of ord 0 of each object that has one.
	Heads(ctx context.Context, objectIDs []string) ([]Passage, error)
	// SearchText returns up to q.Limit passages at or below q.Clearance
	// that hold any of q.Terms (word forms matched), best first, names and
	// aliases weighted four times over text; Score is higher for better.
	// Passages above the clearance are left out before the ranking; when
	// q.MaxRanked > 0 and more passages match, only the q.MaxRanked
	// newest matches (the highest ids) are ranked.
	SearchText(ctx context.Context, q TextQuery) ([]Passage, error)
	// Nodes, Relations and Containers read the objects table for the
	// graph walk of questions: only ids, types, revocation and
	// relationship ends, filtered by clearance in the query as every
	// store read is (see Index.Nodes).
	Nodes(ctx context.Context, clearance int, ids []string) ([]Node, error)
	Relations(ctx context.Context, clearance int, ids, types []string) ([]Edge, error)
	Containers(ctx context.Context, clearance int, ids []string) ([]Edge, error)
	// CountPassages returns how many passages there are.
	CountPassages(ctx context.Context) (int, error)
	// CountMatching returns how many passages hold term in any word form.
	CountMatching(ctx context.Context, term string) (int, error)
	// Status reports the index's progress (see Index.Status).
	Status(ctx context.Context, model string, maxTLP int) (Status, error)
	// LoadVectors calls each for every vector of model.
	LoadVectors(ctx context.Context, model string, each func(Vector)) error
	// ClaimJob takes the lease of job's model when it is free, expired or
	// job.Owner's, marking the job running; ErrBusy otherwise.
	ClaimJob(ctx context.Context, job Job) error
	// ReleaseJob gives job.Owner's lease up, recording state and msg.
	ReleaseJob(ctx context.Context, job Job, state, msg string) error
	// DropOtherModels deletes the vectors of every model but model.
	DropOtherModels(ctx context.Context, model string) error
	// Unembedded returns up to limit passages at or below maxTLP without
	// a vector of model, by id.
	Unembedded(ctx context.Context, model string, maxTLP, limit int) ([]int64, []string, error)
	// StoreVectors renews job's lease (ErrBusy when it is no longer
	// job.Owner's), drops model vectors of another dimension, stores vecs
	// (as EncodeVector writes them) for ids and bumps the generation, in
	// one transaction.
	StoreVectors(ctx context.Context, job Job, ids []int64, vecs [][]float32) error
}

// Job is an embedding run's claim on its model's job row.
type Job struct {
	Model string
	Owner string
	Now   time.Time     // UTC
	Lease time.Duration // how long the claim lasts from Now
}

// Vector is one stored embedding with what a search filters it by.
type Vector struct {
	PassageID int64
	ObjectID  string
	Dims      int
	Data      []byte // as EncodeVector writes it
	Level     int    // the object's TLP level at the last sync
	Revoked   bool
}
