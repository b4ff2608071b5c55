packet p {
    len: uint32;
    data: byte[len];
}
