// Package disktest gives tests real file systems on Linux: an image file
// formatted FAT or ext4, put on a loop device and mounted on a new folder,
// as a USB stick is. Each is unmounted and its loop device detached when
// the test ends.
//
// Every helper needs root and the tools it names (Debian packages
// dosfstools, e2fsprogs, util-linux, and fusefat where the kernel has no
// vfat driver); without them, or where the machine (a container) allows
// no loop device or mount, the test is skipped, never failed. A tool that
// is there and fails fails the test.
//
// On other systems the package is empty: the tests that use it are
// Linux-only.
package disktest
