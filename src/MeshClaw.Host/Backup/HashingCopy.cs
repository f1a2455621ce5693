using System.Security.Cryptography;

namespace MeshClaw.Host.Backup;

/// <summary>Copies a stream while hashing what passes, so the checksum is of the bytes actually written, not of a file that may change.</summary>
internal static class HashingCopy
{
    public static async Task<(long Size, string Sha256)> CopyAsync(Stream from, Stream? to, CancellationToken cancellationToken)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        var buffer = new byte[81920];
        long size = 0;
        int read;
        while ((read = await from.ReadAsync(buffer, cancellationToken)) > 0)
        {
            hash.AppendData(buffer, 0, read);
            if (to is not null)
            {
                await to.WriteAsync(buffer.AsMemory(0, read), cancellationToken);
            }

            size += read;
        }

        return (size, Convert.ToHexStringLower(hash.GetHashAndReset()));
    }
}
