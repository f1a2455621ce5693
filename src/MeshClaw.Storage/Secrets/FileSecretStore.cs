using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using MeshClaw.Core.Security;

namespace MeshClaw.Storage.Secrets;

/// <summary>
/// Secrets encrypted at rest with AES-256-GCM: <c>secrets.json</c> holds nonce, ciphertext and tag per name,
/// <c>secrets.key</c> the key; both are owner-only (0600). The name is bound into each entry as associated
/// data, so an entry cannot be moved to another name. Writes go through a temp file and a rename, so a
/// crash never leaves half a file.
/// </summary>
public sealed class FileSecretStore : ISecretStore
{
    private const UnixFileMode OwnerOnly = UnixFileMode.UserRead | UnixFileMode.UserWrite;
    private readonly string _file;
    private readonly string _keyFile;
    private readonly Lock _lock = new();
    private long _version;

    public FileSecretStore(string folder)
    {
        _file = Path.Combine(folder, "secrets.json");
        _keyFile = Path.Combine(folder, "secrets.key");
    }

    public string? Get(string name)
    {
        lock (_lock)
        {
            if (!Read().TryGetValue(name, out var entry))
            {
                return null;
            }

            var nonce = Convert.FromBase64String(entry.Nonce);
            var cipher = Convert.FromBase64String(entry.Cipher);
            var tag = Convert.FromBase64String(entry.Tag);
            var plain = new byte[cipher.Length];
            using var aes = new AesGcm(Key(), tag.Length);
            try
            {
                aes.Decrypt(nonce, cipher, tag, plain, Encoding.UTF8.GetBytes(name));
            }
            catch (AuthenticationTagMismatchException)
            {
                throw new InvalidOperationException($"the secret '{name}' in {_file} cannot be decrypted: the file or {_keyFile} was altered");
            }

            return Encoding.UTF8.GetString(plain);
        }
    }

    public void Set(string name, string value)
    {
        if (string.IsNullOrWhiteSpace(name) || name.Any(char.IsWhiteSpace))
        {
            throw new ArgumentException("a secret name must be non-empty and contain no spaces", nameof(name));
        }

        lock (_lock)
        {
            var entries = Read();
            var nonce = RandomNumberGenerator.GetBytes(AesGcm.NonceByteSizes.MaxSize);
            var plain = Encoding.UTF8.GetBytes(value);
            var cipher = new byte[plain.Length];
            var tag = new byte[AesGcm.TagByteSizes.MaxSize];
            using (var aes = new AesGcm(Key(), tag.Length))
            {
                aes.Encrypt(nonce, plain, cipher, tag, Encoding.UTF8.GetBytes(name));
            }

            entries[name] = new SecretEntry(Convert.ToBase64String(nonce), Convert.ToBase64String(cipher), Convert.ToBase64String(tag));
            Write(entries);
            Interlocked.Increment(ref _version);
        }
    }

    public long Version => Interlocked.Read(ref _version);

    public bool Remove(string name)
    {
        lock (_lock)
        {
            var entries = Read();
            if (!entries.Remove(name))
            {
                return false;
            }

            Write(entries);
            Interlocked.Increment(ref _version);
            return true;
        }
    }

    public IReadOnlyList<string> Names()
    {
        lock (_lock)
        {
            return [.. Read().Keys.Order(StringComparer.Ordinal)];
        }
    }

    private Dictionary<string, SecretEntry> Read()
    {
        if (!File.Exists(_file))
        {
            return new(StringComparer.Ordinal);
        }

        try
        {
            return JsonSerializer.Deserialize<Dictionary<string, SecretEntry>>(File.ReadAllText(_file)) ?? new(StringComparer.Ordinal);
        }
        catch (JsonException ex)
        {
            throw new InvalidOperationException($"{_file} is damaged ({ex.Message}); restore it from a backup or remove it and set the secrets again", ex);
        }
    }

    private void Write(Dictionary<string, SecretEntry> entries)
    {
        var temp = _file + ".tmp";
        WritePrivate(temp, JsonSerializer.Serialize(entries));
        File.Move(temp, _file, overwrite: true);
    }

    private byte[] Key()
    {
        if (File.Exists(_keyFile))
        {
            return Convert.FromBase64String(File.ReadAllText(_keyFile).Trim());
        }

        var key = RandomNumberGenerator.GetBytes(32);
        var temp = _keyFile + ".tmp";
        WritePrivate(temp, Convert.ToBase64String(key));
        File.Move(temp, _keyFile, overwrite: false);
        return key;
    }

    /// <summary>Creates the file owner-only from the first byte, so no other user can ever read it.</summary>
    private static void WritePrivate(string path, string text)
    {
        var options = new FileStreamOptions { Mode = FileMode.Create, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = OwnerOnly;
        }

        File.Delete(path);
        using var stream = new FileStream(path, options);
        stream.Write(Encoding.UTF8.GetBytes(text));
        stream.Flush(flushToDisk: true);
    }

    private sealed record SecretEntry(string Nonce, string Cipher, string Tag);
}
