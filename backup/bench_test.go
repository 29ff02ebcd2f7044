package backup

import (
	"bufio"
	"context"
	"crypto/sha512"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"runtime/debug"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

// benchDataSize is the size of the wallet folder the speed benchmarks use.
const benchDataSize = 512 << 20

// makeBenchWallets writes size bytes of incompressible data as a wallet
// folder: a few large wallet caches and some small key files.
func makeBenchWallets(b *testing.B, size int64) string {
	b.Helper()
	dir := b.TempDir()
	rng := rand.NewChaCha8([32]byte{1, 2, 3})
	const files = 16
	for i := range files {
		wallet := filepath.Join(dir, "wallets", "monero", fmt.Sprintf("w%02d", i))
		if err := os.MkdirAll(wallet, 0o700); err != nil {
			b.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(wallet, "keys"), []byte("fake keys"), 0o600); err != nil {
			b.Fatal(err)
		}
		f, err := os.Create(filepath.Join(wallet, "cache"))
		if err != nil {
			b.Fatal(err)
		}
		if _, err := io.CopyN(f, rng, size/files); err != nil {
			b.Fatal(err)
		}
		if err := f.Close(); err != nil {
			b.Fatal(err)
		}
	}
	return dir
}

// BenchmarkSHA512Pass is the baseline: reading the wallet folder once
// through SHA-512, as `sha512sum` would.
func BenchmarkSHA512Pass(b *testing.B) {
	dir := makeBenchWallets(b, benchDataSize)
	src, err := Collect(context.Background(), dir, "")
	if err != nil {
		b.Fatal(err)
	}
	b.SetBytes(src.TotalSize)
	b.ReportAllocs()
	b.ResetTimer()
	buf := make([]byte, copyBufferSize)
	for range b.N {
		sha512Files(b, src, buf)
	}
}

// sha512Files reads src's files through one SHA-512, as sha512sum would.
func sha512Files(b *testing.B, src *Source, buf []byte) {
	h := sha512.New()
	for _, f := range src.Files {
		in, err := os.Open(f.Path)
		if err != nil {
			b.Fatal(err)
		}
		if _, err := io.CopyBuffer(h, in, buf); err != nil {
			b.Fatal(err)
		}
		in.Close()
	}
	h.Sum(nil)
}

// BenchmarkCreate writes a backup of the wallet folder to a file.
func BenchmarkCreate(b *testing.B) {
	dir := makeBenchWallets(b, benchDataSize)
	src, err := Collect(context.Background(), dir, "")
	if err != nil {
		b.Fatal(err)
	}
	out := filepath.Join(b.TempDir(), "backup")
	b.SetBytes(src.TotalSize)
	b.ReportAllocs()
	b.ResetTimer()
	for range b.N {
		f, err := os.Create(out)
		if err != nil {
			b.Fatal(err)
		}
		if _, err := Write(context.Background(), f, src, WriteOptions{Password: testPassword}); err != nil {
			b.Fatal(err)
		}
		if err := f.Close(); err != nil {
			b.Fatal(err)
		}
	}
}

// writeBenchBackup writes a backup of src to a file and returns it open,
// with its size. The benchmark closes it.
func writeBenchBackup(b *testing.B, src *Source) (*os.File, int64) {
	b.Helper()
	f, err := os.Create(filepath.Join(b.TempDir(), "backup"))
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { f.Close() })
	if _, err := Write(context.Background(), f, src, WriteOptions{Password: testPassword}); err != nil {
		b.Fatal(err)
	}
	fi, err := f.Stat()
	if err != nil {
		b.Fatal(err)
	}
	return f, fi.Size()
}

// BenchmarkRestore restores a backup of the wallet folder.
func BenchmarkRestore(b *testing.B) {
	dir := makeBenchWallets(b, benchDataSize)
	src, err := Collect(context.Background(), dir, "")
	if err != nil {
		b.Fatal(err)
	}
	f, size := writeBenchBackup(b, src)
	os.RemoveAll(dir) // leave room and page cache for the restore
	a, err := Open(f, size)
	if err != nil {
		b.Fatal(err)
	}
	targets := b.TempDir()
	b.SetBytes(src.TotalSize)
	b.ReportAllocs()
	b.ResetTimer()
	for i := range b.N {
		target := filepath.Join(targets, strconv.Itoa(i))
		if err := a.Restore(context.Background(), testPassword, target); err != nil {
			b.Fatal(err)
		}
		b.StopTimer()
		os.RemoveAll(target)
		b.StartTimer()
	}
}

// BenchmarkWriteMemory measures the memory Write holds while streaming
// backups of growing size to io.Discard. The wallet files are sparse, so
// they cost no disk; the pipeline does the same work on zeros as on
// random data. Peak heap and peak RSS should stay flat as size grows.
func BenchmarkWriteMemory(b *testing.B) {
	sizes := []int64{256 << 20, 1 << 30, 2 << 30}
	if testing.Short() {
		sizes = sizes[:1]
	}
	for _, size := range sizes {
		b.Run(fmt.Sprintf("%dMiB", size>>20), func(b *testing.B) {
			src := sparseWallets(b, size)
			runtime.GC()
			resetPeakRSS()
			b.SetBytes(size)
			b.ResetTimer()
			var peakHeap, peakSys uint64
			for range b.N {
				stop := sampleMemory(&peakHeap, &peakSys)
				if _, err := Write(context.Background(), io.Discard, src, WriteOptions{Password: testPassword}); err != nil {
					b.Fatal(err)
				}
				stop()
			}
			b.ReportMetric(float64(peakHeap)/(1<<20), "peak-heap-MiB")
			b.ReportMetric(float64(peakSys)/(1<<20), "peak-sys-MiB")
			if rss := peakRSS(); rss > 0 {
				b.ReportMetric(float64(rss)/(1<<20), "peak-rss-MiB")
			}
		})
	}
}

// sparseWallets collects a wallet folder of size bytes in sparse files,
// which cost no disk.
func sparseWallets(b *testing.B, size int64) *Source {
	b.Helper()
	dir := b.TempDir()
	const files = 8
	for i := range files {
		p := filepath.Join(dir, "wallets", "monero", fmt.Sprintf("w%d", i), "cache")
		if err := os.MkdirAll(filepath.Dir(p), 0o700); err != nil {
			b.Fatal(err)
		}
		f, err := os.Create(p)
		if err != nil {
			b.Fatal(err)
		}
		if err := f.Truncate(size / files); err != nil {
			b.Fatal(err)
		}
		f.Close()
	}
	src, err := Collect(context.Background(), dir, "")
	if err != nil {
		b.Fatal(err)
	}
	return src
}

// BenchmarkReadMemory measures the memory verify without and with the
// password and restore hold while reading backups of growing size (of
// sparse wallet files, as in BenchmarkWriteMemory). Peak heap and peak
// RSS should stay flat as size grows. Run it with -benchtime 1x.
func BenchmarkReadMemory(b *testing.B) {
	sizes := []int64{256 << 20, 1 << 30, 2 << 30}
	if testing.Short() {
		sizes = sizes[:1]
	}
	for _, size := range sizes {
		f, fileSize := writeBenchBackup(b, sparseWallets(b, size))
		reads := []struct {
			name string
			read func(a *Archive, target string) error
		}{
			{"verify-without-password", func(a *Archive, _ string) error { return a.CheckIntegrity(context.Background()) }},
			{"verify", func(a *Archive, _ string) error { return a.Verify(context.Background(), testPassword) }},
			{"restore", func(a *Archive, target string) error { return a.Restore(context.Background(), testPassword, target) }},
		}
		for _, rd := range reads {
			b.Run(fmt.Sprintf("%dMiB/%s", size>>20, rd.name), func(b *testing.B) {
				targets := b.TempDir()
				b.SetBytes(size)
				var peakHeap, peakSys, rss uint64
				for i := range b.N {
					b.StopTimer()
					a, err := Open(f, fileSize)
					if err != nil {
						b.Fatal(err)
					}
					target := filepath.Join(targets, strconv.Itoa(i))
					debug.FreeOSMemory()
					resetPeakRSS()
					b.StartTimer()
					stop := sampleMemory(&peakHeap, &peakSys)
					err = rd.read(a, target)
					stop()
					b.StopTimer()
					rss = max(rss, uint64(peakRSS()))
					os.RemoveAll(target)
					if err != nil {
						b.Fatal(err)
					}
					b.StartTimer()
				}
				b.ReportMetric(float64(peakHeap)/(1<<20), "peak-heap-MiB")
				b.ReportMetric(float64(peakSys)/(1<<20), "peak-sys-MiB")
				if rss > 0 {
					b.ReportMetric(float64(rss)/(1<<20), "peak-rss-MiB")
				}
			})
		}
		f.Close()
		os.Remove(f.Name())
	}
}

// sampleMemory records the highest HeapInuse and Sys every few
// milliseconds until the returned function is called.
func sampleMemory(peakHeap, peakSys *uint64) (stop func()) {
	done := make(chan struct{})
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		t := time.NewTicker(5 * time.Millisecond)
		defer t.Stop()
		var m runtime.MemStats
		for {
			runtime.ReadMemStats(&m)
			*peakHeap = max(*peakHeap, m.HeapInuse)
			*peakSys = max(*peakSys, m.Sys)
			select {
			case <-done:
				return
			case <-t.C:
			}
		}
	}()
	return func() { close(done); wg.Wait() }
}

// resetPeakRSS asks Linux to restart the process's peak RSS (VmHWM).
func resetPeakRSS() { _ = os.WriteFile("/proc/self/clear_refs", []byte("5"), 0) }

// peakRSS returns VmHWM from /proc/self/status in bytes, or 0.
func peakRSS() int64 {
	f, err := os.Open("/proc/self/status")
	if err != nil {
		return 0
	}
	defer f.Close()
	s := bufio.NewScanner(f)
	for s.Scan() {
		if rest, ok := strings.CutPrefix(s.Text(), "VmHWM:"); ok {
			kb, err := strconv.ParseInt(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(rest), "kB")), 10, 64)
			if err == nil {
				return kb << 10
			}
		}
	}
	return 0
}

// BenchmarkRestoreManySmallFiles restores 100,000 files of 100 bytes
// (issue 13 asks for at most 15 s on the project machine). It reports
// files per second; run it with -benchtime 1x.
func BenchmarkRestoreManySmallFiles(b *testing.B) {
	const files = 100_000
	a, err := openBytes(sealInnerFast(b, manySmallFiles(b, files, 100), 0))
	if err != nil {
		b.Fatal(err)
	}
	parent := b.TempDir()
	i := 0
	for b.Loop() {
		target := filepath.Join(parent, strconv.Itoa(i))
		i++
		res, err := a.restore(context.Background(), testKeys, target, RestoreOptions{})
		if err != nil {
			b.Fatal(err)
		}
		if res.Files != files {
			b.Fatalf("restored %d files", res.Files)
		}
	}
	b.ReportMetric(float64(files)*float64(b.N)/b.Elapsed().Seconds(), "files/s")
}

// BenchmarkRead times the three ways of reading a backup of the wallet
// folder (verify without the password, verify with it, restore) against
// one SHA-512 pass over the same files, in one run so that all share the
// machine's load. Each reports its time as a multiple of the SHA-512 pass
// ("x-sha512") and, where the sha512sum command exists, of it
// ("x-sha512sum"), and the CPU time it used (user and system, "cpu-s"),
// which a loaded machine disturbs less than the wall time. Run it with
// -benchtime 1x.
func BenchmarkRead(b *testing.B) {
	dir := makeBenchWallets(b, benchDataSize)
	src, err := Collect(context.Background(), dir, "")
	if err != nil {
		b.Fatal(err)
	}
	f, size := writeBenchBackup(b, src)
	var paths []string
	for _, sf := range src.Files {
		paths = append(paths, sf.Path)
	}
	var goSHA, cmdSHA time.Duration
	var cpu0 time.Duration
	ratios := func(b *testing.B) {
		b.ReportMetric((processCPU()-cpu0).Seconds()/float64(b.N), "cpu-s")
		if goSHA > 0 {
			b.ReportMetric(float64(b.Elapsed())/float64(b.N)/float64(goSHA), "x-sha512")
		}
		if cmdSHA > 0 {
			b.ReportMetric(float64(b.Elapsed())/float64(b.N)/float64(cmdSHA), "x-sha512sum")
		}
	}
	b.Run("sha512", func(b *testing.B) {
		cpu0 = processCPU()
		b.SetBytes(src.TotalSize)
		buf := make([]byte, copyBufferSize)
		for range b.N {
			sha512Files(b, src, buf)
		}
		goSHA = b.Elapsed() / time.Duration(b.N)
		ratios(b)
	})
	if cmd, err := exec.LookPath("sha512sum"); err == nil {
		b.Run("sha512sum", func(b *testing.B) {
			b.SetBytes(src.TotalSize)
			var used time.Duration
			for range b.N {
				c := exec.Command(cmd, paths...)
				if out, err := c.CombinedOutput(); err != nil {
					b.Fatalf("%s: %v", out, err)
				}
				used += c.ProcessState.UserTime() + c.ProcessState.SystemTime()
			}
			cmdSHA = b.Elapsed() / time.Duration(b.N)
			ratios(b)
			b.ReportMetric(used.Seconds()/float64(b.N), "cpu-s")
		})
	}
	open := func(b *testing.B) *Archive {
		a, err := Open(f, size)
		if err != nil {
			b.Fatal(err)
		}
		return a
	}
	b.Run("verify-without-password", func(b *testing.B) {
		cpu0 = processCPU()
		b.SetBytes(src.TotalSize)
		for range b.N {
			if err := open(b).CheckIntegrity(context.Background()); err != nil {
				b.Fatal(err)
			}
		}
		ratios(b)
	})
	b.Run("verify", func(b *testing.B) {
		cpu0 = processCPU()
		b.SetBytes(src.TotalSize)
		for range b.N {
			if err := open(b).Verify(context.Background(), testPassword); err != nil {
				b.Fatal(err)
			}
		}
		ratios(b)
	})
	targets := b.TempDir()
	b.Run("restore", func(b *testing.B) {
		cpu0 = processCPU()
		b.SetBytes(src.TotalSize)
		for i := range b.N {
			target := filepath.Join(targets, strconv.Itoa(i))
			if err := open(b).Restore(context.Background(), testPassword, target); err != nil {
				b.Fatal(err)
			}
			b.StopTimer()
			os.RemoveAll(target)
			b.StartTimer()
		}
		ratios(b)
	})
}
