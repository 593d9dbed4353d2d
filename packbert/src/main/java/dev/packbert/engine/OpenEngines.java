package dev.packbert.engine;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The engines of this JVM not yet closed, closed by one shutdown hook. On SIGTERM the JVM runs its
 * shutdown hooks and halts while another thread may be inside a session run; the halt then tears
 * native memory down under the runtime (seen once as a SIGSEGV at exit with TensorFlow). Both
 * runtimes' close waits for the run in flight, so closing every open engine in a hook makes the
 * exit wait for that batch instead.
 */
final class OpenEngines {
  private static final Set<LoadedEngine> OPEN = ConcurrentHashMap.newKeySet();

  static {
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(() -> OPEN.forEach(LoadedEngine::close), "packbert-close-engines"));
  }

  private OpenEngines() {}

  static void add(LoadedEngine e) {
    OPEN.add(e);
  }

  static boolean remove(LoadedEngine e) {
    return OPEN.remove(e);
  }
}
