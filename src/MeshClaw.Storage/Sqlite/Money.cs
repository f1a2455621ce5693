namespace MeshClaw.Storage.Sqlite;

/// <summary>Money is stored as integer nano-units so sums in SQL are exact.</summary>
internal static class Money
{
    public static long ToNanos(decimal amount) => (long)decimal.Round(amount * 1_000_000_000m);
    public static decimal FromNanos(long nanos) => nanos / 1_000_000_000m;
}
