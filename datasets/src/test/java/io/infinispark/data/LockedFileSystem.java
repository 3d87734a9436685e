package io.infinispark.data;

import java.io.IOException;
import java.nio.file.AccessDeniedException;
import org.apache.hadoop.fs.FSDataInputStream;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.RawLocalFileSystem;

/**
 * The local file system, except that files whose name starts with "locked" cannot be opened, as a
 * file without read permission cannot (the tests run as root, which reads every file whatever its
 * mode).
 */
public class LockedFileSystem extends RawLocalFileSystem {
  @Override
  public FSDataInputStream open(Path f, int bufferSize) throws IOException {
    if (f.getName().startsWith("locked")) {
      throw new AccessDeniedException(f.toString(), null, "Permission denied");
    }
    return super.open(f, bufferSize);
  }
}
