package dev.packbert.weights;

import com.google.protobuf.InvalidProtocolBufferException;
import dev.packbert.model.ModelFormatException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.zip.CRC32C;
import org.tensorflow.proto.BundleEntryProto;
import org.tensorflow.proto.BundleHeaderProto;

/**
 * Checks a TF checkpoint (tensor bundle) end to end before any of it is used: every block of the
 * {@code .index} table against its crc32c, every tensor's bytes in the data shards against the
 * offset, size and masked crc32c its {@code BundleEntryProto} records, and each shard's size
 * against the end of its last tensor. RestoreV2 checks only the tensors it restores, so a corrupted
 * or truncated tail (optimizer slots, unused heads) would otherwise go unnoticed.
 *
 * <p>Hand-written because no Java library reads TF's table format (LevelDB's SSTable layout: a
 * 48-byte footer, blocks of prefix-compressed entries, a 5-byte trailer per block); the entry
 * protos themselves are TF Java's generated classes. Cost: one sequential read of the data files
 * (~0.5 s for BERT-base's 440 MB from the page cache).
 */
final class TensorBundleCheck {
  private static final long TABLE_MAGIC = 0xdb4775248b80fb57L;
  private static final int FOOTER = 48;
  private static final int MASK_DELTA = 0xa282ead8;

  private TensorBundleCheck() {}

  /** {@code prefix} is the checkpoint path without {@code .index}. */
  static void check(Path prefix) {
    Path index = Path.of(prefix + ".index");
    List<Entry> entries = new ArrayList<>();
    int shards = readIndex(index, entries);
    long[] ends = new long[shards];
    List<FileChannel> open = new ArrayList<>();
    try {
      for (int i = 0; i < shards; i++) {
        Path data = dataFile(prefix, i, shards);
        try {
          open.add(FileChannel.open(data, StandardOpenOption.READ));
        } catch (IOException e) {
          throw new ModelFormatException(
              "checkpoint " + prefix + ": data file " + data.getFileName() + " is missing");
        }
      }
      for (Entry e : entries) {
        BundleEntryProto p = e.proto();
        if (p.getShardId() < 0 || p.getShardId() >= shards) {
          throw new ModelFormatException(
              "checkpoint index "
                  + index
                  + ": tensor "
                  + e.name()
                  + " names shard "
                  + p.getShardId()
                  + " of "
                  + shards);
        }
        Path data = dataFile(prefix, p.getShardId(), shards);
        FileChannel ch = open.get(p.getShardId());
        long size = ch.size();
        if (p.getOffset() < 0 || p.getSize() < 0 || p.getOffset() + p.getSize() > size) {
          throw new ModelFormatException(
              "checkpoint data file "
                  + data
                  + " is truncated: tensor "
                  + e.name()
                  + " needs bytes "
                  + p.getOffset()
                  + ".."
                  + (p.getOffset() + p.getSize())
                  + ", the file has "
                  + size);
        }
        ends[p.getShardId()] = Math.max(ends[p.getShardId()], p.getOffset() + p.getSize());
        if (p.getSlicesCount() == 0
            && mask(crc32c(ch, p.getOffset(), p.getSize())) != p.getCrc32C()) {
          throw new ModelFormatException(
              "checkpoint data file "
                  + data
                  + ": tensor "
                  + e.name()
                  + " is corrupted (its crc32c does not match the index)");
        }
      }
      for (int i = 0; i < shards; i++) {
        long size = open.get(i).size();
        if (size != ends[i]) {
          throw new ModelFormatException(
              "checkpoint data file "
                  + dataFile(prefix, i, shards)
                  + " has "
                  + size
                  + " bytes, the index accounts for "
                  + ends[i]);
        }
      }
    } catch (IOException e) {
      throw new ModelFormatException(
          "checkpoint " + prefix + ": cannot read: " + e.getMessage(), e);
    } finally {
      for (FileChannel c : open) {
        try {
          c.close();
        } catch (IOException e) {
          // read-only: nothing was lost
        }
      }
    }
  }

  private record Entry(String name, BundleEntryProto proto) {}

  static Path dataFile(Path prefix, int shard, int shards) {
    return Path.of(String.format(Locale.ROOT, "%s.data-%05d-of-%05d", prefix, shard, shards));
  }

  /** Reads every entry of the index table; returns the number of data shards. */
  private static int readIndex(Path index, List<Entry> entries) {
    byte[] table;
    try {
      table = Files.readAllBytes(index);
    } catch (IOException e) {
      throw new ModelFormatException(
          "checkpoint index " + index + ": cannot read: " + e.getMessage(), e);
    }
    if (table.length < FOOTER) {
      throw new ModelFormatException(
          "checkpoint index " + index + ": " + table.length + " bytes is too short");
    }
    ByteBuffer footer = ByteBuffer.wrap(table, table.length - 8, 8).order(ByteOrder.LITTLE_ENDIAN);
    if (footer.getLong() != TABLE_MAGIC) {
      throw new ModelFormatException(
          "checkpoint index " + index + ": not a checkpoint index (bad magic number)");
    }
    Cursor f = new Cursor(table, table.length - FOOTER, table.length - 8, index);
    f.varint(); // metaindex handle: unused by tensor bundles
    f.varint();
    long indexOffset = f.varint();
    long indexSize = f.varint();
    int shards = -1;
    for (byte[][] handle : block(table, indexOffset, indexSize, index)) {
      Cursor h = new Cursor(handle[1], 0, handle[1].length, index);
      long offset = h.varint();
      long size = h.varint();
      for (byte[][] kv : block(table, offset, size, index)) {
        String name = new String(kv[0], java.nio.charset.StandardCharsets.UTF_8);
        try {
          if (name.isEmpty()) {
            shards = BundleHeaderProto.parseFrom(kv[1]).getNumShards();
          } else {
            entries.add(new Entry(name, BundleEntryProto.parseFrom(kv[1])));
          }
        } catch (InvalidProtocolBufferException e) {
          throw new ModelFormatException(
              "checkpoint index " + index + ": entry '" + name + "' does not parse", e);
        }
      }
    }
    if (shards < 1) {
      throw new ModelFormatException(
          "checkpoint index " + index + ": no bundle header (not a tensor bundle index)");
    }
    return shards;
  }

  /** The key/value pairs of one table block, after checking its trailer's crc32c. */
  private static List<byte[][]> block(byte[] table, long offset, long size, Path index) {
    if (offset < 0 || size < 4 || offset + size + 5 > table.length - FOOTER) {
      throw new ModelFormatException(
          "checkpoint index " + index + ": a block lies outside the file (truncated)");
    }
    int start = (int) offset;
    int end = (int) (offset + size);
    if (table[end] != 0) {
      throw new ModelFormatException(
          "checkpoint index " + index + ": compressed blocks are not supported");
    }
    CRC32C crc = new CRC32C();
    crc.update(table, start, (int) size + 1);
    int stored = ByteBuffer.wrap(table, end + 1, 4).order(ByteOrder.LITTLE_ENDIAN).getInt();
    if (mask(crc.getValue()) != stored) {
      throw new ModelFormatException(
          "checkpoint index " + index + ": corrupted (a block's crc32c does not match)");
    }
    int restarts = ByteBuffer.wrap(table, end - 4, 4).order(ByteOrder.LITTLE_ENDIAN).getInt();
    long entriesEnd = end - 4 - 4L * restarts;
    if (restarts < 0 || entriesEnd < start) {
      throw new ModelFormatException("checkpoint index " + index + ": corrupted block layout");
    }
    List<byte[][]> out = new ArrayList<>();
    Cursor c = new Cursor(table, start, (int) entriesEnd, index);
    byte[] key = new byte[0];
    while (c.pos < c.end) {
      int shared = (int) c.varint();
      int unshared = (int) c.varint();
      int valueLength = (int) c.varint();
      if (shared > key.length) {
        throw new ModelFormatException("checkpoint index " + index + ": corrupted key in a block");
      }
      byte[] k = new byte[shared + unshared];
      System.arraycopy(key, 0, k, 0, shared);
      System.arraycopy(c.bytes(unshared), 0, k, shared, unshared);
      key = k;
      out.add(new byte[][] {k, c.bytes(valueLength)});
    }
    return out;
  }

  private static long crc32c(FileChannel ch, long offset, long size) throws IOException {
    CRC32C crc = new CRC32C();
    ByteBuffer buf = ByteBuffer.allocateDirect(1 << 20);
    long done = 0;
    while (done < size) {
      buf.clear().limit((int) Math.min(buf.capacity(), size - done));
      int n = ch.read(buf, offset + done);
      if (n < 0) {
        throw new IOException("unexpected end of file at " + (offset + done));
      }
      buf.flip();
      crc.update(buf);
      done += n;
    }
    return crc.getValue();
  }

  /** TF's masked crc (lib/hash/crc32c.h): stored checksums are rotated and offset. */
  static int mask(long crc) {
    int c = (int) crc;
    return ((c >>> 15) | (c << 17)) + MASK_DELTA;
  }

  /** Varints and byte runs within [pos, end) of a byte array. */
  private static final class Cursor {
    private final byte[] b;
    private final int end;
    private final Path file;
    private int pos;

    Cursor(byte[] b, int pos, int end, Path file) {
      this.b = b;
      this.pos = pos;
      this.end = end;
      this.file = file;
    }

    long varint() {
      long v = 0;
      for (int shift = 0; shift < 64; shift += 7) {
        if (pos >= end) {
          throw new ModelFormatException(
              "checkpoint index " + file + ": corrupted (a varint runs past its block)");
        }
        byte x = b[pos++];
        v |= (long) (x & 0x7f) << shift;
        if (x >= 0) {
          return v;
        }
      }
      throw new ModelFormatException(
          "checkpoint index " + file + ": corrupted (an over-long varint)");
    }

    byte[] bytes(int n) {
      if (n < 0 || pos + n > end) {
        throw new ModelFormatException(
            "checkpoint index " + file + ": corrupted (an entry runs past its block)");
      }
      byte[] out = java.util.Arrays.copyOfRange(b, pos, pos + n);
      pos += n;
      return out;
    }
  }
}
