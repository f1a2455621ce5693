namespace MeshClaw.Connectors.Email;

/// <summary>
/// How MeshClaw names a message so it can find it again after moves: its Message-ID, or for mail without one,
/// <c>uid:UIDVALIDITY:UID</c>, which is valid only while the folder's UIDVALIDITY is unchanged.
/// </summary>
public static class MessageRef
{
    public static string Of(string? messageId, uint uidValidity, uint uid) =>
        string.IsNullOrWhiteSpace(messageId) ? $"uid:{uidValidity}:{uid}" : messageId.Trim('<', '>', ' ');

    public static bool TryParseUid(string id, out uint uidValidity, out uint uid)
    {
        uidValidity = uid = 0;
        var parts = id.Split(':');
        return parts.Length == 3 && parts[0] == "uid" && uint.TryParse(parts[1], out uidValidity) && uint.TryParse(parts[2], out uid);
    }
}
