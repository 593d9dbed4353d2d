package dev.packbert.text;

import java.util.Arrays;
import java.util.List;

/**
 * Character trie over a WordPiece vocabulary with two roots: whole-word-start pieces and "##"
 * continuation pieces (stored without the prefix). A greedy longest match is then one walk down the
 * trie instead of up to n substring allocations and hash look-ups per piece.
 *
 * <p>Edges live in one open-addressing table keyed by (node, UTF-16 char), which keeps the
 * structure to a few flat arrays. Not serialized: {@link BertTokenizer} rebuilds it from the
 * vocabulary.
 */
final class WordPieceTrie {
  static final int START_ROOT = 0;
  static final int CONTINUATION_ROOT = 1;
  private static final String PREFIX = "##";

  private long[] keys; // (node << 16 | char) + 1; 0 marks an empty slot
  private int[] children;
  private int mask;
  private int edges;
  private int[] terminal = new int[1024]; // token id ending at a node, -1 if none
  private int nodes = 2;

  WordPieceTrie(List<String> tokens) {
    int cap = Integer.highestOneBit(Math.max(1024, tokens.size() * 16)) << 1;
    keys = new long[cap];
    children = new int[cap];
    mask = cap - 1;
    Arrays.fill(terminal, -1);
    for (int id = 0; id < tokens.size(); id++) {
      String t = tokens.get(id);
      if (t.isEmpty()) {
        continue;
      }
      insert(START_ROOT, t, 0, id);
      if (t.length() > PREFIX.length() && t.startsWith(PREFIX)) {
        insert(CONTINUATION_ROOT, t, PREFIX.length(), id);
      }
    }
  }

  private void insert(int root, String t, int from, int id) {
    int node = root;
    for (int i = from; i < t.length(); i++) {
      int next = child(node, t.charAt(i));
      if (next < 0) {
        next = addChild(node, t.charAt(i));
      }
      node = next;
    }
    terminal[node] = id; // last duplicate wins, as in the Vocabulary map
  }

  /** Returns the child node of {@code node} along {@code c}, or -1. */
  int child(int node, char c) {
    long key = (((long) node) << 16 | c) + 1;
    int slot = mix(key) & mask;
    while (true) {
      long k = keys[slot];
      if (k == key) {
        return children[slot];
      }
      if (k == 0) {
        return -1;
      }
      slot = (slot + 1) & mask;
    }
  }

  /** Returns the token id ending at {@code node}, or -1. */
  int terminal(int node) {
    return terminal[node];
  }

  private int addChild(int node, char c) {
    if ((edges + 1) * 2 > keys.length) {
      grow();
    }
    int next = nodes++;
    if (next >= terminal.length) {
      int old = terminal.length;
      terminal = Arrays.copyOf(terminal, old * 2);
      Arrays.fill(terminal, old, terminal.length, -1);
    }
    put((((long) node) << 16 | c) + 1, next);
    edges++;
    return next;
  }

  private void put(long key, int value) {
    int slot = mix(key) & mask;
    while (keys[slot] != 0) {
      slot = (slot + 1) & mask;
    }
    keys[slot] = key;
    children[slot] = value;
  }

  private void grow() {
    long[] oldKeys = keys;
    int[] oldChildren = children;
    keys = new long[oldKeys.length * 2];
    children = new int[oldKeys.length * 2];
    mask = keys.length - 1;
    for (int i = 0; i < oldKeys.length; i++) {
      if (oldKeys[i] != 0) {
        put(oldKeys[i], oldChildren[i]);
      }
    }
  }

  private static int mix(long key) {
    long h = key * 0x9E3779B97F4A7C15L;
    return (int) (h ^ (h >>> 32));
  }
}
