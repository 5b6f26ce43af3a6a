package snodo;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CountDownLatch;

import org.neo4j.configuration.GraphDatabaseInternalSettings;
import org.neo4j.configuration.GraphDatabaseSettings;
import org.neo4j.configuration.connectors.BoltConnector;
import org.neo4j.configuration.connectors.HttpConnector;
import org.neo4j.configuration.connectors.HttpsConnector;
import org.neo4j.configuration.helpers.SocketAddress;
import org.neo4j.dbms.api.DatabaseManagementService;
import org.neo4j.dbms.api.DatabaseManagementServiceBuilder;
import org.neo4j.graphdb.GraphDatabaseService;
import org.neo4j.io.ByteUnit;
import org.neo4j.logging.Level;
import org.neo4j.logging.log4j.Log4jLogProvider;

/**
 * Runs a local Neo4j Community 5.26 database (embedded) with its Bolt connector, for Snodo development.
 *
 * <p>Usage: {@code java -cp 'neo4j-launcher.jar:lib/*' snodo.Neo4jLauncher [HOME]}
 *
 * <p>HOME (argument, else env {@code NEO4J_HOME_DIR}, else {@code ./neo4j-home}) holds {@code data/} and
 * {@code logs/} (Neo4j's own debug.log goes to {@code HOME/logs/debug.log}).
 *
 * <p>Environment:
 *
 * <ul>
 *   <li>{@code NEO4J_PASSWORD} password of user {@code neo4j}, (re)applied at every start (default
 *       {@code snodo-dev-password}, at least 8 characters)
 *   <li>{@code NEO4J_BOLT_PORT} Bolt port on 127.0.0.1 (default 7687)
 *   <li>{@code NEO4J_PAGECACHE} page cache size, e.g. {@code 512m}, {@code 1g} (default 512m)
 * </ul>
 *
 * <p>Prints {@code snodo-neo4j: ready on bolt://127.0.0.1:PORT} once Bolt accepts connections, then blocks
 * until the JVM is asked to stop (SIGTERM/SIGINT), at which point the databases are shut down cleanly.
 */
public final class Neo4jLauncher {
    private static final String PREFIX = "snodo-neo4j: ";
    private static final String DEFAULT_PASSWORD = "snodo-dev-password";

    private Neo4jLauncher() {}

    public static void main(String[] args) throws Exception {
        Path home = Path.of(args.length > 0 ? args[0] : env("NEO4J_HOME_DIR", "neo4j-home"))
                .toAbsolutePath()
                .normalize();
        int port = parsePort(env("NEO4J_BOLT_PORT", "7687"));
        long pageCache = parseSize("NEO4J_PAGECACHE", env("NEO4J_PAGECACHE", "512m"));
        String password = env("NEO4J_PASSWORD", DEFAULT_PASSWORD);
        if (password.length() < 8) {
            fail("NEO4J_PASSWORD must be at least 8 characters long");
        }

        Files.createDirectories(home);
        SocketAddress bolt = new SocketAddress("127.0.0.1", port);

        Map<org.neo4j.graphdb.config.Setting<?>, Object> config = Map.ofEntries(
                Map.entry(GraphDatabaseSettings.auth_enabled, true),
                Map.entry(GraphDatabaseSettings.pagecache_memory, pageCache),
                Map.entry(GraphDatabaseSettings.default_listen_address, new SocketAddress("127.0.0.1")),
                Map.entry(GraphDatabaseSettings.default_advertised_address, new SocketAddress("127.0.0.1")),
                Map.entry(BoltConnector.enabled, true),
                Map.entry(BoltConnector.listen_address, bolt),
                Map.entry(BoltConnector.advertised_address, bolt),
                Map.entry(BoltConnector.encryption_level, BoltConnector.EncryptionLevel.DISABLED),
                // Not served by the embedded edition anyway; disabled explicitly so nothing else listens.
                Map.entry(HttpConnector.enabled, false),
                Map.entry(HttpsConnector.enabled, false),
                Map.entry(GraphDatabaseSettings.shutdown_transaction_end_timeout, Duration.ofSeconds(5)),
                // Otherwise every database reserves a 256 MiB transaction log file up front.
                Map.entry(GraphDatabaseSettings.preallocate_logical_logs, false),
                // No anonymous usage reporting from developer machines.
                Map.entry(GraphDatabaseSettings.udc_enabled, false),
                // Netty's graceful shutdown otherwise idles 5 s after the databases are already stopped.
                Map.entry(GraphDatabaseInternalSettings.netty_server_shutdown_quiet_period, 0));

        long t0 = System.nanoTime();
        System.out.println(PREFIX + "starting Neo4j 5.26 (community, embedded) in " + home);
        System.out.flush();

        // Neo4j's "user log" (what neo4j.log contains for a server) goes to stdout; debug.log stays under HOME/logs.
        Log4jLogProvider userLog = new Log4jLogProvider(System.out, Level.INFO);
        DatabaseManagementService dbms = new DatabaseManagementServiceBuilder(home)
                .setUserLogProvider(userLog)
                .setConfig(config)
                .build();

        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            System.out.println(PREFIX + "shutting down");
            System.out.flush();
            try {
                dbms.shutdown();
                System.out.println(PREFIX + "stopped");
            } catch (Throwable t) {
                System.out.println(PREFIX + "error during shutdown: " + t);
            } finally {
                System.out.flush();
                userLog.close();
                stopped.countDown();
            }
        }, "snodo-neo4j-shutdown"));

        long t1 = System.nanoTime();
        try {
            setPassword(dbms.database(GraphDatabaseSettings.SYSTEM_DATABASE_NAME), password);
            // Make sure the default database is up before announcing readiness.
            dbms.database(GraphDatabaseSettings.DEFAULT_DATABASE_NAME).executeTransactionally("RETURN 1");
        } catch (Throwable t) {
            System.out.println(PREFIX + "startup failed: " + t);
            t.printStackTrace(System.out);
            System.out.flush();
            System.exit(1); // runs the shutdown hook
        }

        long t2 = System.nanoTime();
        System.out.printf(
                "%sstarted in %.1fs (databases %.1fs, password + first query %.1fs)%n",
                PREFIX, (t2 - t0) / 1e9, (t1 - t0) / 1e9, (t2 - t1) / 1e9);
        System.out.println(PREFIX + "ready on bolt://127.0.0.1:" + port);
        System.out.flush();
        stopped.await(); // block until the shutdown hook has run
    }

    /**
     * Sets the password of user neo4j (and clears the "change required" flag). Community supports user
     * management commands on the system database; setting the current password again is rejected by Neo4j
     * ("Old password and new password cannot be the same"), which simply means nothing needs to change.
     */
    private static void setPassword(GraphDatabaseService system, String password) {
        try {
            system.executeTransactionally(
                    "ALTER USER neo4j SET PASSWORD $password CHANGE NOT REQUIRED", Map.of("password", password));
            System.out.println(PREFIX + "password of user neo4j set");
        } catch (RuntimeException e) {
            if (!messages(e).contains("cannot be the same")) {
                throw e;
            }
            // Same password as before; still make sure no password change is required.
            system.executeTransactionally("ALTER USER neo4j SET PASSWORD CHANGE NOT REQUIRED");
            System.out.println(PREFIX + "password of user neo4j unchanged");
        }
    }

    private static String messages(Throwable t) {
        StringBuilder sb = new StringBuilder();
        for (Throwable c = t; c != null; c = c.getCause()) {
            sb.append(c.getMessage()).append('\n');
        }
        return sb.toString();
    }

    private static String env(String name, String fallback) {
        String v = System.getenv(name);
        return v == null || v.isBlank() ? fallback : v.trim();
    }

    private static long parseSize(String name, String s) {
        try {
            return ByteUnit.parse(s);
        } catch (IllegalArgumentException e) {
            fail("invalid " + name + ": " + e.getMessage());
            return -1;
        }
    }

    private static int parsePort(String s) {
        try {
            int p = Integer.parseInt(s);
            if (p > 0 && p < 65536) {
                return p;
            }
        } catch (NumberFormatException ignored) {
            // fall through
        }
        fail("invalid NEO4J_BOLT_PORT: " + s);
        return -1;
    }

    private static void fail(String msg) {
        System.err.println(PREFIX + msg);
        System.exit(2);
    }
}
