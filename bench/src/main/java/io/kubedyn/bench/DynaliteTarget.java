package io.kubedyn.bench;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.OptionalLong;
import java.util.concurrent.TimeUnit;

/**
 * dynalite (DynamoDB on LevelDB, in Node.js) from the npm registry, installed with the machine's
 * {@code npm} into {@code installDir} on first use and run with its {@code node}. It keeps its
 * LevelDB on disk in the work directory (its writes are not synced: it promises no durability),
 * and its tables are ACTIVE at once rather than after its default 500 ms.
 */
public final class DynaliteTarget implements Target {
    public static final String NAME = "dynalite";
    public static final String VERSION = "4.0.0";

    private final Path installDir;
    private ServerProcess server;

    public DynaliteTarget(Path installDir) {
        this.installDir = installDir;
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public URI start(Path workDir) throws Exception {
        Path cli = install();
        int port = ServerProcess.freeLoopbackPort();
        URI endpoint = URI.create("http://127.0.0.1:" + port);
        server = ServerProcess.start(
                NAME,
                List.of(
                        "node",
                        cli.toString(),
                        "--host",
                        "127.0.0.1",
                        "--port",
                        Integer.toString(port),
                        "--path",
                        workDir.resolve("leveldb").toAbsolutePath().toString(),
                        "--createTableMs",
                        "0",
                        "--deleteTableMs",
                        "0"),
                workDir,
                endpoint);
        return endpoint;
    }

    private Path install() throws IOException, InterruptedException {
        Path cli = installDir.resolve("node_modules/dynalite/cli.js");
        Path installed = installDir.resolve("node_modules/dynalite/package.json");
        if (Files.exists(installed) && Files.readString(installed).contains("\"version\": \"" + VERSION + "\"")) {
            return cli;
        }
        Files.createDirectories(installDir);
        Path log = installDir.resolve("npm-install.log");
        Process npm = new ProcessBuilder(
                        "npm",
                        "install",
                        "--no-audit",
                        "--no-fund",
                        "--prefix",
                        installDir.toAbsolutePath().toString(),
                        "dynalite@" + VERSION)
                .redirectErrorStream(true)
                .redirectOutput(log.toFile())
                .start();
        if (!npm.waitFor(5, TimeUnit.MINUTES) || npm.exitValue() != 0) {
            npm.destroyForcibly();
            throw new IllegalStateException(
                    "npm install dynalite@" + VERSION + " failed; its output:\n" + Files.readString(log));
        }
        return cli;
    }

    @Override
    public OptionalLong serverPid() {
        return server == null ? OptionalLong.empty() : OptionalLong.of(server.pid());
    }

    @Override
    public void close() {
        if (server != null) {
            server.close();
            server = null;
        }
    }
}
