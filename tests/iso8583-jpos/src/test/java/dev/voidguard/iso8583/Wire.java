package dev.voidguard.iso8583;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import javax.crypto.Cipher;
import javax.crypto.spec.SecretKeySpec;

/** The frame around jPOS's part, the CUPS MAC written out again, and the Rust program. */
final class Wire {
    /** The test MAC key of iso8583/examples/frames.rs (a test key, nothing real). */
    static final byte[] MAC_KEY = HexFormat.of().parseHex("0123456789ABCDEFFEDCBA9876543210");
    static final byte[] TPDU = HexFormat.of().parseHex("6000030000");
    static final byte[] HEADER = HexFormat.of().parseHex("603100310000");
    /** Length prefix, TPDU and application header: where the MAC block starts. */
    static final int PREFIX = 2 + 5 + 6;

    private Wire() {}

    static String hex(byte[] b) {
        return HexFormat.of().withUpperCase().formatHex(b);
    }

    /** The 2-byte big-endian length before what jPOS packed (header included). */
    static byte[] withLength(byte[] body) {
        byte[] out = new byte[body.length + 2];
        out[0] = (byte) (body.length >> 8);
        out[1] = (byte) body.length;
        System.arraycopy(body, 0, out, 2, body.length);
        return out;
    }

    /**
     * The CUPS "ECB" MAC (UnionPay POS terminal specification), written from the spec's
     * steps rather than from our Rust: XOR of the zero-padded 8-byte blocks, as 16
     * upper-case hex characters; 3DES of the first 8, XOR the last 8, 3DES again; the
     * first 8 hex characters of that, as ASCII.
     */
    static byte[] cupsMac(byte[] data) throws GeneralSecurityException {
        byte[] acc = new byte[8];
        for (int i = 0; i < data.length; i++) {
            acc[i % 8] ^= data[i];
        }
        byte[] hex = hex(acc).getBytes(StandardCharsets.US_ASCII);
        byte[] k = new byte[24];
        System.arraycopy(MAC_KEY, 0, k, 0, 16);
        System.arraycopy(MAC_KEY, 0, k, 16, 8);
        Cipher des = Cipher.getInstance("DESede/ECB/NoPadding");
        des.init(Cipher.ENCRYPT_MODE, new SecretKeySpec(k, "DESede"));
        byte[] mid = des.doFinal(Arrays.copyOfRange(hex, 0, 8));
        for (int i = 0; i < 8; i++) {
            mid[i] ^= hex[8 + i];
        }
        byte[] last = hex(des.doFinal(mid)).getBytes(StandardCharsets.US_ASCII);
        return Arrays.copyOfRange(last, 0, 8);
    }

    /** The MAC a whole frame (length prefix included, F64 last) must carry. */
    static byte[] macOf(byte[] frame) throws GeneralSecurityException {
        return cupsMac(Arrays.copyOfRange(frame, PREFIX, frame.length - 8));
    }

    record Run(int exit, String out, String err) {}

    static Path program() {
        String p = System.getProperty("voidguard.frames");
        if (p == null || !Files.isExecutable(Path.of(p))) {
            throw new IllegalStateException("no frames program at " + p + " (run scripts/jpos-check)");
        }
        return Path.of(p);
    }

    static Run run(String input, String... args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>();
        cmd.add(program().toString());
        cmd.addAll(List.of(args));
        Path in = Files.createTempFile("frames-in", ".txt");
        Path err = Files.createTempFile("frames-err", ".txt");
        try {
            Files.writeString(in, input);
            Process p = new ProcessBuilder(cmd)
                    .redirectInput(in.toFile())
                    .redirectError(err.toFile())
                    .start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(30, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IllegalStateException("frames program did not finish");
            }
            return new Run(p.exitValue(), out, Files.readString(err));
        } finally {
            Files.deleteIfExists(in);
            Files.deleteIfExists(err);
        }
    }

    /** `name HEX` lines, in order. */
    static Map<String, byte[]> frames(String text) {
        Map<String, byte[]> out = new LinkedHashMap<>();
        for (String line : text.split("\n")) {
            if (line.isBlank()) continue;
            String[] parts = line.split(" ", 2);
            out.put(parts[0], HexFormat.of().parseHex(parts[1].trim()));
        }
        return out;
    }

    /** `name key=value` lines: per frame, key to value (values may hold spaces). */
    static Map<String, Map<String, String>> dump(String text) {
        Map<String, Map<String, String>> out = new LinkedHashMap<>();
        for (String line : text.split("\n", -1)) {
            if (line.isEmpty()) continue;
            int sp = line.indexOf(' ');
            int eq = line.indexOf('=', sp);
            String name = line.substring(0, sp);
            out.computeIfAbsent(name, n -> new TreeMap<>())
                    .put(line.substring(sp + 1, eq), line.substring(eq + 1));
        }
        return out;
    }
}
