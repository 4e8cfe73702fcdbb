package dev.voidguard.iso8583;

import org.jpos.iso.BCDInterpreter;
import org.jpos.iso.BcdPrefixer;
import org.jpos.iso.ISOStringFieldPackager;
import org.jpos.iso.NullPadder;

/**
 * Track 2 as CUPS terminals write it: a one-byte BCD length counting characters, then
 * BCD with '=' as nibble D, left-aligned, an odd count padded with F. This is jPOS's
 * own IFB_LLNUM(len, name, false, true) under a class name its GenericPackager can
 * instantiate; no behaviour of its own.
 */
public class IFB_LLTRACK extends ISOStringFieldPackager {
    public IFB_LLTRACK() {
        super(NullPadder.INSTANCE, BCDInterpreter.RIGHT_PADDED_F, BcdPrefixer.LL);
    }
}
