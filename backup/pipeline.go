package backup

import (
	"context"
	"sync"
)

// chunkJob is one chunk travelling through an orderedPool. Its buffer is
// reused for later chunks once the sink is done with it.
type chunkJob struct {
	index int
	buf   []byte // owned by the job; sized by the producer
	n     int    // meaningful input bytes, as the producer defines them
	out   []byte // the step's result, usually a slice of buf
	// plainSum is the SHA-512 of a chunk's plaintext when the producer
	// took it (a chunk sealer with pair), else nil.
	plainSum []byte
	rec      chunkRecord
	// fill, when not nil, tells the step how much of buf is filled: the
	// producer submitted the job before filling it (a chunkStream
	// without keys).
	fill *chunkFill
	err  error
	done chan struct{}
}

// orderedPool runs step on chunks in parallel and hands them to sink one
// at a time in the order they were submitted; sink sees the step's error
// in j.err and returns the error that stops the pool, if any. A keeping
// pool's sink owns the jobs it is given: it hands them on, and whoever
// holds one gives it back with release. It owns a fixed number of
// jobs, so the memory in flight is bounded by that number of buffers: the
// producer blocks in get until the sink has released one. Any error, or
// the cancellation of ctx, stops the pool and makes get fail.
type orderedPool struct {
	ctx    context.Context
	cancel context.CancelCauseFunc
	step   func(*chunkJob) error
	sink   func(*chunkJob) error
	keeps  bool // the sink keeps the jobs it is given

	free  chan *chunkJob
	work  chan *chunkJob
	order chan *chunkJob

	next     int
	workers  sync.WaitGroup
	sinkDone chan struct{}
}

// newOrderedPool starts workers goroutines running step and one running
// sink, with jobs jobs in circulation; with keeps, the sink keeps the jobs
// it is given. close must be called.
func newOrderedPool(ctx context.Context, workers, jobs int, step, sink func(*chunkJob) error, keeps bool) *orderedPool {
	if workers < 1 {
		workers = 1
	}
	if jobs < 1 {
		jobs = 1
	}
	ctx, cancel := context.WithCancelCause(ctx)
	p := &orderedPool{
		ctx:      ctx,
		cancel:   cancel,
		step:     step,
		sink:     sink,
		keeps:    keeps,
		free:     make(chan *chunkJob, jobs),
		work:     make(chan *chunkJob, jobs),
		order:    make(chan *chunkJob, jobs),
		sinkDone: make(chan struct{}),
	}
	for range jobs {
		p.free <- &chunkJob{}
	}
	p.workers.Add(workers)
	for range workers {
		go p.runWorker()
	}
	go p.runSink()
	return p
}

func (p *orderedPool) runWorker() {
	defer p.workers.Done()
	for j := range p.work {
		if err := p.ctx.Err(); err != nil {
			j.err = context.Cause(p.ctx)
		} else {
			j.err = p.step(j)
		}
		close(j.done)
	}
}

func (p *orderedPool) runSink() {
	defer close(p.sinkDone)
	for j := range p.order {
		<-j.done
		if p.ctx.Err() == nil {
			err := p.sink(j)
			if err != nil {
				p.cancel(err)
			}
			if p.keeps {
				continue // j is the sink's now
			}
		}
		j.out = nil
		p.free <- j
	}
}

// get returns a free job, waiting for one if all are in flight. It fails
// once the pool has stopped.
func (p *orderedPool) get() (*chunkJob, error) {
	if p.ctx.Err() != nil {
		return nil, context.Cause(p.ctx)
	}
	select {
	case j := <-p.free:
		return j, nil
	case <-p.ctx.Done():
		return nil, context.Cause(p.ctx)
	}
}

// release gives back a job obtained from get without submitting it, or
// one a sink kept. It never blocks.
func (p *orderedPool) release(j *chunkJob) {
	j.out = nil
	p.free <- j
}

// submit queues a job obtained from get; jobs reach the sink in the order
// of their submission. It never blocks.
func (p *orderedPool) submit(j *chunkJob) {
	j.index = p.next
	p.next++
	j.err = nil
	j.done = make(chan struct{})
	p.order <- j
	p.work <- j
}

// close waits for every submitted job to go through the sink and stops the
// goroutines. It returns the first error of a step or the sink (in
// submission order), or the context's cause when it was cancelled.
func (p *orderedPool) close() error {
	close(p.work)
	close(p.order)
	p.workers.Wait()
	<-p.sinkDone
	var err error
	if p.ctx.Err() != nil {
		err = context.Cause(p.ctx)
	}
	p.cancel(nil)
	return err
}

// abort stops the pool with err and waits for its goroutines.
func (p *orderedPool) abort(err error) {
	p.cancel(err)
	_ = p.close()
}
