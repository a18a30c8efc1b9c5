using System;
using System.IO.Hashing;

namespace GcsMedia.Protocol
{
    /// <summary>CRC32C (Castagnoli), as GCS computes it: base64 of the 4-byte big-endian value.</summary>
    public sealed class Crc32cHasher : MediaHasher
    {
        private const uint ReflectedPolynomial = 0x82F63B78;
        private readonly Crc32 _crc = new Crc32(Crc32ParameterSet.Crc32C);

        public override ChecksumType Type => ChecksumType.Crc32c;

        public override void Append(ReadOnlySpan<byte> data) => _crc.Append(data);

        public uint GetValue() => _crc.GetCurrentHashAsUInt32();

        public override string GetBase64() => ToBase64(GetValue());

        public static uint Compute(ReadOnlySpan<byte> data)
        {
            var crc = new Crc32(Crc32ParameterSet.Crc32C);
            crc.Append(data);
            return crc.GetCurrentHashAsUInt32();
        }

        public static string ToBase64(uint value) => Convert.ToBase64String(new[]
        {
            (byte)(value >> 24), (byte)(value >> 16), (byte)(value >> 8), (byte)value,
        });

        public static uint FromBase64(string value)
        {
            byte[] bytes = Convert.FromBase64String(value);
            if (bytes.Length != 4)
            {
                throw new FormatException($"A crc32c value is 4 bytes in base64; '{value}' decodes to {bytes.Length} bytes.");
            }

            return ((uint)bytes[0] << 24) | ((uint)bytes[1] << 16) | ((uint)bytes[2] << 8) | bytes[3];
        }

        /// <summary>
        /// The CRC32C of A followed by B, from crc(A), crc(B) and the length of B, in O(log n) time
        /// (zlib's crc32_combine, by GF(2) matrix squaring). Used to validate sliced downloads.
        /// </summary>
        public static uint Combine(uint crcA, uint crcB, long lengthB)
        {
            if (lengthB <= 0)
            {
                return crcA;
            }

            var odd = new uint[32];
            var even = new uint[32];
            odd[0] = ReflectedPolynomial;
            uint row = 1;
            for (int n = 1; n < 32; n++)
            {
                odd[n] = row;
                row <<= 1;
            }

            SquareMatrix(even, odd);
            SquareMatrix(odd, even);

            uint crc = crcA;
            long length = lengthB;
            do
            {
                SquareMatrix(even, odd);
                if ((length & 1) != 0)
                {
                    crc = MultiplyMatrix(even, crc);
                }

                length >>= 1;
                if (length == 0)
                {
                    break;
                }

                SquareMatrix(odd, even);
                if ((length & 1) != 0)
                {
                    crc = MultiplyMatrix(odd, crc);
                }

                length >>= 1;
            }
            while (length != 0);

            return crc ^ crcB;
        }

        private static uint MultiplyMatrix(uint[] matrix, uint vector)
        {
            uint sum = 0;
            int i = 0;
            while (vector != 0)
            {
                if ((vector & 1) != 0)
                {
                    sum ^= matrix[i];
                }

                vector >>= 1;
                i++;
            }

            return sum;
        }

        private static void SquareMatrix(uint[] square, uint[] matrix)
        {
            for (int n = 0; n < 32; n++)
            {
                square[n] = MultiplyMatrix(matrix, matrix[n]);
            }
        }
    }
}
