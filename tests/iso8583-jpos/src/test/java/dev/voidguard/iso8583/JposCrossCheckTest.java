package dev.voidguard.iso8583;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.jpos.iso.ISOMsg;
import org.jpos.iso.ISOPackager;
import org.jpos.iso.packager.GenericPackager;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Our codec and jPOS read each other's frames the same: every frame our Rust side packs
 * (iso8583/examples/frames.rs) is read by jPOS with the CUPS field table
 * (cups-pos.xml) and must hold what our own decode of it says, byte for byte when jPOS
 * packs it again; frames jPOS packs are decoded by our codec to the values jPOS was
 * given; broken ones are refused with our typed errors.
 */
class JposCrossCheckTest {
    private static final Set<Integer> BINARY = Set.of(52, 62, 64);
    private static ISOPackager packager;
    private static Map<String, byte[]> ours;
    private static Map<String, Map<String, String>> oursDecoded;
    private static int checkedOursInJpos;
    private static int checkedJposInOurs;
    private static int refused;

    @BeforeAll
    static void setUp() throws Exception {
        try (InputStream xml = JposCrossCheckTest.class.getResourceAsStream("/cups-pos.xml")) {
            packager = new GenericPackager(xml);
        }
        Wire.Run packed = Wire.run("");
        assertEquals(0, packed.exit(), packed.err());
        ours = Wire.frames(packed.out());
        Wire.Run decoded = Wire.run(packed.out(), "decode");
        assertEquals(0, decoded.exit(), decoded.err());
        oursDecoded = Wire.dump(decoded.out());
    }

    @AfterAll
    static void writeCounts() throws Exception {
        String path = System.getProperty("voidguard.counts");
        if (path != null) {
            Files.writeString(Path.of(path), "ours-in-jpos=" + checkedOursInJpos
                    + " jpos-in-ours=" + checkedJposInOurs + " refused=" + refused + "\n");
        }
    }

    /** jPOS's reading of a frame (length prefix included), in the dump's form. */
    private static Map<String, String> jposRead(byte[] frame) throws Exception {
        assertEquals(frame.length - 2, ((frame[0] & 0xFF) << 8) | (frame[1] & 0xFF), "length prefix");
        byte[] body = Arrays.copyOfRange(frame, 2, frame.length);
        ISOMsg m = new ISOMsg();
        m.setPackager(packager);
        assertEquals(body.length, m.unpack(body), "jPOS read the whole frame");
        Map<String, String> out = new TreeMap<>();
        byte[] header = m.getHeader();
        out.put("tpdu", Wire.hex(Arrays.copyOfRange(header, 0, 5)));
        out.put("header", Wire.hex(Arrays.copyOfRange(header, 5, 11)));
        out.put("mti", m.getMTI());
        for (int bit = 2; bit <= 64; bit++) {
            if (!m.hasField(bit)) continue;
            out.put(Integer.toString(bit), BINARY.contains(bit) ? Wire.hex(m.getBytes(bit)) : m.getString(bit));
        }
        // jPOS packs what it read back to the same bytes: same lengths, same alignment.
        assertArrayEquals(frame, Wire.withLength(m.pack()), "jPOS repacks the frame byte for byte");
        return out;
    }

    @Test
    void everyFrameOfOursReadsTheSameInJpos() throws Exception {
        assertEquals(24, ours.size(), "frames from our program: " + ours.keySet());
        for (var e : ours.entrySet()) {
            String name = e.getKey();
            byte[] frame = e.getValue();
            Map<String, String> theirs = jposRead(frame);
            Map<String, String> mine = new TreeMap<>(oursDecoded.get(name));
            String kind = mine.remove("kind");
            assertTrue(kind != null && !kind.isEmpty(), name + ": our decode names the kind");
            boolean mac = mine.remove("mac") != null;
            assertEquals(mine, theirs, name);
            assertEquals(mac, theirs.containsKey("64"), name + ": MAC verified by ours when present");
            if (mac) {
                assertEquals(Wire.hex(Wire.macOf(frame)), theirs.get("64"), name + ": CUPS MAC recomputed");
            }
            assertEquals(Wire.hex(Wire.TPDU), theirs.get("tpdu"), name);
            assertEquals(Wire.hex(Wire.HEADER), theirs.get("header"), name);
            checkedOursInJpos++;
        }
    }

    @Test
    void ourFramesCarryTheCupsCodes() throws Exception {
        Map<String, String> sale = jposRead(ours.get("sale"));
        assertEquals("0200", sale.get("mti"));
        assertEquals("000000", sale.get("3"));
        assertEquals("22000001000", sale.get("60"));
        assertEquals("000000001234", sale.get("4"));
        Map<String, String> voidF = jposRead(ours.get("void"));
        assertEquals("0200", voidF.get("mti"));
        assertEquals("200000", voidF.get("3"));
        assertEquals("23", voidF.get("60").substring(0, 2));
        // F61 of a void: original batch (6), voucher (6), date MMDD (4).
        assertEquals("000001" + "000041" + "1202", voidF.get("61"));
        Map<String, String> refund = jposRead(ours.get("refund"));
        assertEquals("0220", refund.get("mti"));
        assertEquals("200000", refund.get("3"));
        assertEquals("25", refund.get("60").substring(0, 2));
        assertEquals("000000000000" + "1202", refund.get("61"));
        Map<String, String> reversal = jposRead(ours.get("reversal"));
        assertEquals("0400", reversal.get("mti"));
        assertEquals("98", reversal.get("39"));
        assertEquals("000042", reversal.get("11"), "the original's trace number");
        Map<String, String> settlement = jposRead(ours.get("settlement"));
        assertEquals("0500", settlement.get("mti"));
        assertEquals("201", settlement.get("60").substring(8, 11));
        assertEquals("000000003000" + "003" + "000000001000" + "001" + "0" + "0".repeat(31), settlement.get("48"));
        assertEquals("2", jposRead(ours.get("settlement-answer")).get("48").substring(30, 31));
        Map<String, String> uploadEnd = jposRead(ours.get("batch-upload-end"));
        assertEquals("0320", uploadEnd.get("mti"));
        assertEquals("202", uploadEnd.get("60").substring(8, 11));
        assertEquals("0002", uploadEnd.get("48"), "the count of records uploaded");
        Map<String, String> signOnAnswer = jposRead(ours.get("sign-on-answer"));
        assertEquals("0810", signOnAnswer.get("mti"));
        assertEquals(60 * 2, signOnAnswer.get("62").length(), "three wrapped keys with check values");
        assertFalse(signOnAnswer.containsKey("64"), "the sign-on pair carries no MAC");
        Map<String, String> card = jposRead(ours.get("sale-with-card"));
        assertEquals("6222021234567890123", card.get("2"));
        assertEquals("021", card.get("22"));
        assertEquals("001", card.get("23"));
        assertEquals("6222021234567890123=25121010000", card.get("35"));
        // The raw alignment: F22 left-aligned (02 10), F23 right-aligned (00 01),
        // F35 '=' as D and pad F, F2 pad 0 on the right.
        String raw = Wire.hex(ours.get("sale-with-card"));
        assertTrue(raw.contains("0210" + "0001"), raw);
        assertTrue(raw.contains("31" + "6222021234567890123D25121010000F"), raw);
        assertTrue(raw.contains("19" + "62220212345678901230"), raw);
        // The card as the terminal's link sends it with a void (no PIN) and a refund.
        Map<String, String> voidCard = jposRead(ours.get("void-with-card"));
        assertEquals("200000", voidCard.get("3"));
        assertEquals("6222021234567890123", voidCard.get("2"));
        assertEquals("2512", voidCard.get("14"));
        assertEquals("022", voidCard.get("22"));
        assertEquals("6222021234567890123=2512101", voidCard.get("35"));
        assertFalse(voidCard.containsKey("26") || voidCard.containsKey("52"), "no PIN, no F26/F52");
        assertTrue(Wire.hex(ours.get("void-with-card")).contains("27" + "6222021234567890123D2512101"));
        Map<String, String> refundCard = jposRead(ours.get("refund-with-card"));
        assertEquals("0220", refundCard.get("mti"));
        assertEquals("6225881234567890", refundCard.get("2"));
        assertEquals("2612", refundCard.get("14"));
        assertEquals("021", refundCard.get("22"));
        assertEquals("12", refundCard.get("26"));
        assertEquals("6225881234567890=26121010000000", refundCard.get("35"));
        assertEquals("A1B2C3D4E5F60718", refundCard.get("52"));
        Map<String, String> odd = jposRead(ours.get("sale-odd-digits"));
        assertEquals("12345", odd.get("48"));
        assertEquals("000001000041120", odd.get("61"));
        // LLL digit counts, pad 0 on the right of the last byte.
        String oddRaw = Wire.hex(ours.get("sale-odd-digits"));
        assertTrue(oddRaw.contains("0005" + "123450"), oddRaw);
        assertTrue(oddRaw.contains("0015" + "0000010000411200"), oddRaw);
    }

    private record Built(String name, String kind, byte[] frame, Map<String, String> values) {}

    /** A frame packed by jPOS from these values, MAC'd when it has F64. */
    private static Built build(String name, String kind, String mti, Object... bitsAndValues) throws Exception {
        ISOMsg m = new ISOMsg(mti);
        m.setPackager(packager);
        byte[] header = new byte[11];
        System.arraycopy(Wire.TPDU, 0, header, 0, 5);
        System.arraycopy(Wire.HEADER, 0, header, 5, 6);
        m.setHeader(header);
        Map<String, String> values = new TreeMap<>();
        values.put("mti", mti);
        values.put("tpdu", Wire.hex(Wire.TPDU));
        values.put("header", Wire.hex(Wire.HEADER));
        for (int i = 0; i < bitsAndValues.length; i += 2) {
            int bit = (Integer) bitsAndValues[i];
            Object v = bitsAndValues[i + 1];
            if (v instanceof byte[] b) {
                m.set(bit, b);
                values.put(Integer.toString(bit), Wire.hex(b));
            } else {
                m.set(bit, (String) v);
                values.put(Integer.toString(bit), (String) v);
            }
        }
        boolean mac = kind != null && !kind.equals("sign-on");
        if (mac) {
            m.set(64, new byte[8]);
        }
        byte[] frame = Wire.withLength(m.pack());
        if (mac) {
            byte[] f64 = Wire.macOf(frame);
            m.set(64, f64);
            frame = Wire.withLength(m.pack());
            values.put("64", Wire.hex(f64));
            values.put("mac", "ok");
        }
        values.put("kind", kind);
        return new Built(name, kind, frame, values);
    }

    private static final String TID = "20000002";
    private static final String MID = "898000000000002";

    private static Built[] jposFrames() throws Exception {
        return new Built[] {
            build("sign-on", "sign-on", "0800", 11, "000100", 41, TID, 42, MID, 60, "00000007003", 63, "02 "),
            build("echo", "echo", "0820", 11, "000099", 41, TID, 42, MID, 60, "00000007301"),
            build("sale", "sale", "0200", 3, "000000", 4, "000000002500", 11, "000101", 25, "00",
                    41, TID, 42, MID, 49, "156", 59, "3:00ff", 60, "22000007000"),
            build("sale-with-card", "sale", "0200", 2, "62258812345678901", 3, "000000",
                    4, "000000000001", 11, "000106", 14, "2612", 22, "051", 23, "002", 25, "00", 26, "06",
                    32, "0123", 35, "62258812345678901=2612120", 41, TID, 42, MID, 44, "hello",
                    49, "156", 52, HexFormat.of().parseHex("0011223344556677"), 53, "1600000000000000",
                    60, "22000007000"),
            build("sale-odd-digits", "sale", "0200", 3, "000000", 4, "000000000002", 11, "000107",
                    25, "00", 41, TID, 42, MID, 48, "987", 49, "156", 60, "22000007000",
                    61, "0000070001071"),
            build("void", "void", "0200", 3, "200000", 4, "000000002500", 11, "000102", 25, "00",
                    37, "000000000777", 38, "XY1234", 41, TID, 42, MID, 49, "156",
                    60, "23000007000", 61, "0000070001011203"),
            build("refund", "refund", "0220", 3, "200000", 4, "000000001000", 11, "000103", 25, "00",
                    37, "000000000777", 41, TID, 42, MID, 49, "156",
                    60, "25000007000", 61, "0000000000001203"),
            build("reversal", "reversal", "0400", 3, "000000", 4, "000000002500", 11, "000101", 25, "00",
                    39, "98", 41, TID, 42, MID, 49, "156", 60, "22000007000"),
            build("settlement", "settlement", "0500", 11, "000104", 41, TID, 42, MID,
                    48, "000000002500" + "001" + "000000002500" + "001" + "0" + "0".repeat(31),
                    60, "00000007201"),
            build("batch-upload", "batch-upload", "0320", 11, "000105", 41, TID, 42, MID,
                    48, "02" + "22" + "000101" + "000000002500" + "23" + "000102" + "000000002500",
                    60, "00000007201"),
            build("batch-upload-end", "batch-upload-end", "0320", 11, "000106", 41, TID, 42, MID,
                    48, "0002", 60, "00000007202"),
        };
    }

    @Test
    void framesBuiltByJposReadTheSameInOurs() throws Exception {
        Built[] built = jposFrames();
        StringBuilder in = new StringBuilder();
        for (Built b : built) {
            in.append(b.name()).append(' ').append(Wire.hex(b.frame())).append('\n');
        }
        Wire.Run run = Wire.run(in.toString(), "decode");
        assertEquals(0, run.exit(), run.err());
        Map<String, Map<String, String>> decoded = Wire.dump(run.out());
        for (Built b : built) {
            assertEquals(b.values(), decoded.get(b.name()), b.name());
            checkedJposInOurs++;
        }
        assertEquals(built.length, decoded.size());
    }

    private static void assertRefused(String name, byte[] frame, String error) throws Exception {
        Wire.Run run = Wire.run(name + " " + Wire.hex(frame) + "\n", "decode");
        assertEquals(2, run.exit(), name + ": " + run.err());
        assertTrue(run.err().contains(name + " error: " + error), name + ": " + run.err());
        assertFalse(run.err().contains("panicked"), name + ": " + run.err());
        assertEquals("", run.out(), name);
        refused++;
    }

    @Test
    void brokenJposFramesAreRefusedWithTypedErrors() throws Exception {
        byte[] sale = Arrays.stream(jposFrames()).filter(b -> b.name().equals("sale")).findFirst()
                .orElseThrow().frame();
        // F4 starts after prefix (13), MTI (2), bitmap (8) and F3 (3).
        byte[] badDigit = sale.clone();
        badDigit[26] = (byte) 0xA0;
        assertRefused("bad-digit", badDigit, "bad BCD in field 4");
        // F60 (11 digits, left-aligned) ends in a pad nibble that must be 0; jPOS does not
        // look at it, ours refuses it: a strictness difference, not a layout one.
        byte[] badPad = sale.clone();
        badPad[badPad.length - 9] |= 0x05;
        Map<String, String> lenient = jposReadWithoutRepack(badPad);
        assertEquals("22000007000", lenient.get("60"));
        assertRefused("bad-pad", badPad, "bad BCD in field 60");
        byte[] badLength = sale.clone();
        // F59's LLL prefix: two bytes before "3:00ff" (6 bytes), itself before F60 and F64.
        int f59 = badLength.length - 8 - 8 - 6 - 2;
        assertEquals("0006" + "333A30306666" + "0011", Wire.hex(Arrays.copyOfRange(badLength, f59, f59 + 10)));
        badLength[f59] = (byte) 0x0C;
        assertRefused("bad-length", badLength, "bad BCD in the length of field 59");
        assertRefused("cut-short", Arrays.copyOf(sale, sale.length - 3), "frame too short");
        byte[] cut = Wire.withLength(Arrays.copyOfRange(sale, 2, sale.length - 3));
        assertRefused("cut-fields", cut, "frame too short");
    }

    private static Map<String, String> jposReadWithoutRepack(byte[] frame) throws Exception {
        ISOMsg m = new ISOMsg();
        m.setPackager(packager);
        m.unpack(Arrays.copyOfRange(frame, 2, frame.length));
        Map<String, String> out = new LinkedHashMap<>();
        out.put("60", m.getString(60));
        return out;
    }
}
