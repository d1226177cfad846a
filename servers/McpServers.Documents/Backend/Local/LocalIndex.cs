using System.Globalization;
using System.Text;
using Microsoft.Data.Sqlite;

namespace McpServers.Documents.Backend.Local;

/// <summary>What the index holds about a file: enough to tell whether it changed (size and modification time).</summary>
internal sealed record IndexedFile(long Id, long Size, long Modified);

/// <summary>A file to write into the index; <see cref="Error"/> set (and <see cref="Body"/> empty) when it could not be read.</summary>
internal sealed record IndexEntry(string Root, string Path, long Size, long Modified, string Title, string? Format, string? Error, string Body)
{
    public string Extension => System.IO.Path.GetExtension(Path).TrimStart('.').ToLowerInvariant();
}

/// <summary>A search hit as stored: <see cref="Modified"/> in Unix milliseconds.</summary>
internal sealed record IndexHit(string Root, string Path, string Title, long Size, long Modified, string? Snippet, string? Error);

/// <summary>How far the index is: written by the process that holds the writer lock, read by every process.</summary>
internal sealed record IndexProgress(bool Exists, bool Building, long Done, long Total);

/// <summary>
/// A search: <see cref="Match"/> is an FTS5 expression built by <see cref="FtsQuery"/> (quoted strings only); every
/// other value is bound as a parameter.
/// </summary>
internal sealed record IndexQuery(string Match, string? Root, string? Prefix, IReadOnlyList<string> Extensions, long? ModifiedFrom,
    long? ModifiedBefore, int Offset, int Limit);

/// <summary>
/// The local full-text index: one SQLite database (WAL, so readers never wait for the writer) with a <c>files</c> table
/// (path, size, mtime, title, format, error) and an FTS5 table <c>content</c> (title, path words, text) sharing its
/// rowid. Only the holder of the writer lock (<see cref="LocalIndexer"/>) opens it for writing; searches read.
/// </summary>
public sealed class LocalIndex(string file, bool ownsFolder = false)
{
    private const string Schema = """
        PRAGMA journal_mode = WAL;
        CREATE TABLE IF NOT EXISTS files(
            id INTEGER PRIMARY KEY, root TEXT NOT NULL, path TEXT NOT NULL, ext TEXT NOT NULL, size INTEGER NOT NULL,
            mtime INTEGER NOT NULL, title TEXT NOT NULL, format TEXT, error TEXT, UNIQUE(root, path));
        CREATE VIRTUAL TABLE IF NOT EXISTS content USING fts5(title, path, body, tokenize = 'unicode61 remove_diacritics 2');
        CREATE TABLE IF NOT EXISTS meta(key TEXT PRIMARY KEY, value INTEGER NOT NULL);
        """;

    private const UnixFileMode UserOnlyFolder = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;
    private const UnixFileMode UserOnlyFile = UnixFileMode.UserRead | UnixFileMode.UserWrite;

    public string File { get; } = file;

    /// <summary>For the lock holder only: the database, created user-only with its schema when missing.</summary>
    internal SqliteConnection OpenWriter()
    {
        CreateFolder();
        // SQLite makes the -wal and -shm files with the database's mode, so a user-only database keeps them user-only;
        // files an earlier version left readable by others are narrowed.
        Narrow(File + "-wal");
        Narrow(File + "-shm");
        using (OpenUserOnly(File, FileShare.ReadWrite | FileShare.Delete))
        {
        }

        SqliteConnection connection = Open(SqliteOpenMode.ReadWriteCreate);
        Execute(connection, null, Schema);
        return connection;
    }

    /// <summary>
    /// The index folder, created user-only (0700) where the OS has modes: the index holds the text of every indexed
    /// document, which other users must not read even when the documents' own modes would stop them. The server's own
    /// default folder (possibly in the temp folder every user shares) must moreover be a real folder of this user's,
    /// not a link nor one another user made first, and is narrowed to user-only if it is wider.
    /// </summary>
    internal void CreateFolder()
    {
        string folder = Path.GetDirectoryName(File)!;
        if (OperatingSystem.IsWindows())
        {
            Directory.CreateDirectory(folder);
            return;
        }

        Directory.CreateDirectory(folder, UserOnlyFolder);
        if (!ownsFolder)
        {
            return;
        }

        if (!UnixFiles.IsOwnDirectory(folder))
        {
            throw new IOException($"The index folder {folder} is a link or belongs to another user: remove it, or set Local:IndexPath.");
        }

        if (System.IO.File.GetUnixFileMode(folder) != UserOnlyFolder)
        {
            System.IO.File.SetUnixFileMode(folder, UserOnlyFolder);
        }
    }

    /// <summary>Opens <paramref name="path"/> (the database or the writer lock), created user-only (0600) when missing and narrowed to that when wider.</summary>
    internal static FileStream OpenUserOnly(string path, FileShare share)
    {
        var options = new FileStreamOptions { Mode = FileMode.OpenOrCreate, Access = FileAccess.ReadWrite, Share = share };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = UserOnlyFile;
        }

        var stream = new FileStream(path, options);
        Narrow(path);
        return stream;
    }

    private static void Narrow(string path)
    {
        if (!OperatingSystem.IsWindows() && System.IO.File.Exists(path) && (System.IO.File.GetUnixFileMode(path) & ~UserOnlyFile) != 0)
        {
            System.IO.File.SetUnixFileMode(path, UserOnlyFile);
        }
    }

    internal static Dictionary<string, IndexedFile> Existing(SqliteConnection connection, string root)
    {
        using SqliteCommand command = Command(connection, null, "SELECT id, path, size, mtime FROM files WHERE root = $root", ("$root", root));
        using SqliteDataReader reader = command.ExecuteReader();
        var files = new Dictionary<string, IndexedFile>(StringComparer.Ordinal);
        while (reader.Read())
        {
            files[reader.GetString(1)] = new IndexedFile(reader.GetInt64(0), reader.GetInt64(2), reader.GetInt64(3));
        }

        return files;
    }

    internal static List<string> RootsIn(SqliteConnection connection)
    {
        using SqliteCommand command = Command(connection, null, "SELECT DISTINCT root FROM files");
        using SqliteDataReader reader = command.ExecuteReader();
        var roots = new List<string>();
        while (reader.Read())
        {
            roots.Add(reader.GetString(0));
        }

        return roots;
    }

    internal static void Write(SqliteConnection connection, SqliteTransaction transaction, IndexEntry entry)
    {
        using SqliteCommand upsert = Command(connection, transaction, """
            INSERT INTO files(root, path, ext, size, mtime, title, format, error) VALUES($root, $path, $ext, $size, $mtime, $title, $format, $error)
            ON CONFLICT(root, path) DO UPDATE SET ext = $ext, size = $size, mtime = $mtime, title = $title, format = $format, error = $error
            RETURNING id
            """, ("$root", entry.Root), ("$path", entry.Path), ("$ext", entry.Extension), ("$size", entry.Size), ("$mtime", entry.Modified),
            ("$title", entry.Title), ("$format", entry.Format), ("$error", entry.Error));
        long id = (long)upsert.ExecuteScalar()!;
        Execute(connection, transaction, "DELETE FROM content WHERE rowid = $id", ("$id", id));
        Execute(connection, transaction, "INSERT INTO content(rowid, title, path, body) VALUES($id, $title, $path, $body)",
            ("$id", id), ("$title", entry.Title), ("$path", entry.Path), ("$body", entry.Body));
    }

    internal static void Delete(SqliteConnection connection, SqliteTransaction transaction, long id)
    {
        Execute(connection, transaction, "DELETE FROM content WHERE rowid = $id", ("$id", id));
        Execute(connection, transaction, "DELETE FROM files WHERE id = $id", ("$id", id));
    }

    internal static void SetProgress(SqliteConnection connection, SqliteTransaction? transaction, bool building, long done, long total) =>
        Execute(connection, transaction, """
            INSERT INTO meta(key, value) VALUES('building', $building), ('done', $done), ('total', $total)
            ON CONFLICT(key) DO UPDATE SET value = excluded.value
            """, ("$building", building ? 1 : 0), ("$done", done), ("$total", total));

    /// <summary>How far the index is (nothing yet: not <see cref="IndexProgress.Exists"/>).</summary>
    internal IndexProgress Progress()
    {
        using SqliteConnection? connection = OpenReader();
        if (connection is null || !HasSchema(connection))
        {
            return new IndexProgress(false, false, 0, 0);
        }

        using SqliteCommand command = Command(connection, null, "SELECT key, value FROM meta");
        using SqliteDataReader reader = command.ExecuteReader();
        var values = new Dictionary<string, long>(StringComparer.Ordinal);
        while (reader.Read())
        {
            values[reader.GetString(0)] = reader.GetInt64(1);
        }

        return new IndexProgress(values.Count > 0, values.GetValueOrDefault("building") != 0, values.GetValueOrDefault("done"), values.GetValueOrDefault("total"));
    }

    /// <summary>Hits best first (BM25), one more than <see cref="IndexQuery.Limit"/> when there are more.</summary>
    internal List<IndexHit> Search(IndexQuery query)
    {
        var hits = new List<IndexHit>();
        using SqliteConnection? connection = OpenReader();
        if (connection is null || !HasSchema(connection))
        {
            return hits;
        }

        // The page is chosen first (rank and filters only); snippet() then runs for its rows alone, not for every match.
        var filter = new StringBuilder();
        using SqliteCommand command = Command(connection, null, "", ("$match", query.Match));
        if (query.Root is not null)
        {
            filter.Append(" AND f.root = $root");
            command.Parameters.AddWithValue("$root", query.Root);
        }

        if (query.Prefix is not null)
        {
            filter.Append(" AND substr(f.path, 1, length($prefix)) = $prefix");
            command.Parameters.AddWithValue("$prefix", query.Prefix);
        }

        if (query.Extensions.Count > 0)
        {
            filter.Append(" AND f.ext IN (").AppendJoin(", ", query.Extensions.Select((_, i) => "$ext" + i.ToString(CultureInfo.InvariantCulture))).Append(')');
            for (int i = 0; i < query.Extensions.Count; i++)
            {
                command.Parameters.AddWithValue("$ext" + i.ToString(CultureInfo.InvariantCulture), query.Extensions[i]);
            }
        }

        if (query.ModifiedFrom is { } from)
        {
            filter.Append(" AND f.mtime >= $from");
            command.Parameters.AddWithValue("$from", from);
        }

        if (query.ModifiedBefore is { } before)
        {
            filter.Append(" AND f.mtime < $before");
            command.Parameters.AddWithValue("$before", before);
        }

        command.Parameters.AddWithValue("$limit", query.Limit + 1);
        command.Parameters.AddWithValue("$offset", query.Offset);
        command.CommandText = $"""
            WITH page AS (
                SELECT content.rowid AS id, content.rank AS rank FROM content JOIN files f ON f.id = content.rowid
                WHERE content MATCH $match{filter} ORDER BY content.rank, f.id LIMIT $limit OFFSET $offset)
            SELECT f.root, f.path, f.title, f.size, f.mtime, snippet(content, -1, '**', '**', '…', 16), f.error
            FROM page JOIN content ON content.rowid = page.id JOIN files f ON f.id = page.id
            WHERE content MATCH $match ORDER BY page.rank, page.id
            """;
        using SqliteDataReader reader = command.ExecuteReader();
        while (reader.Read())
        {
            hits.Add(new IndexHit(reader.GetString(0), reader.GetString(1), reader.GetString(2), reader.GetInt64(3), reader.GetInt64(4),
                reader.IsDBNull(5) ? null : reader.GetString(5), reader.IsDBNull(6) ? null : reader.GetString(6)));
        }

        return hits;
    }

    /// <summary>Files in the index (for --check).</summary>
    internal long Count()
    {
        using SqliteConnection? connection = OpenReader();
        if (connection is null || !HasSchema(connection))
        {
            return 0;
        }

        using SqliteCommand command = Command(connection, null, "SELECT count(*) FROM files");
        return (long)command.ExecuteScalar()!;
    }

    /// <summary>Readers never create the database or its schema: that is the lock holder's (no write without the lock).</summary>
    /// <remarks>Pooled: a search does not pay for opening the database and reading its schema.</remarks>
    private SqliteConnection? OpenReader() => System.IO.File.Exists(File) ? Open(SqliteOpenMode.ReadWrite, pooling: true) : null;

    private SqliteConnection Open(SqliteOpenMode mode, bool pooling = false)
    {
        var connection = new SqliteConnection(new SqliteConnectionStringBuilder
        {
            DataSource = File,
            Mode = mode,
            Pooling = pooling,
            DefaultTimeout = 30,
        }.ToString());
        connection.Open();
        return connection;
    }

    private static bool HasSchema(SqliteConnection connection)
    {
        using SqliteCommand command = Command(connection, null, "SELECT count(*) FROM sqlite_master WHERE name IN ('files', 'content', 'meta')");
        return (long)command.ExecuteScalar()! == 3;
    }

    private static void Execute(SqliteConnection connection, SqliteTransaction? transaction, string sql, params (string Name, object? Value)[] parameters)
    {
        using SqliteCommand command = Command(connection, transaction, sql, parameters);
        command.ExecuteNonQuery();
    }

    private static SqliteCommand Command(SqliteConnection connection, SqliteTransaction? transaction, string sql, params (string Name, object? Value)[] parameters)
    {
        SqliteCommand command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = sql;
        foreach ((string name, object? value) in parameters)
        {
            command.Parameters.AddWithValue(name, value ?? DBNull.Value);
        }

        return command;
    }
}
