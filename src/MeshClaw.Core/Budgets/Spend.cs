namespace MeshClaw.Core.Budgets;

/// <summary>Tokens and money spent.</summary>
public readonly record struct Spend(long Tokens, decimal Cost)
{
    public static Spend operator +(Spend a, Spend b) => new(a.Tokens + b.Tokens, a.Cost + b.Cost);
}
