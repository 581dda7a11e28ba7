using System.Security.Cryptography;

namespace Flepimop2.Internal;

/// <summary>Fresh job ids for backends that do not issue their own: 12 characters of base32, 60 random bits.</summary>
internal static class JobIds
{
    private const string Alphabet = "0123456789abcdefghjkmnpqrstvwxyz";

    public static string New() => RandomNumberGenerator.GetString(Alphabet, 12);
}
