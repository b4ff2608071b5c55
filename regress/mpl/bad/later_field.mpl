packet p {
    data: byte[len];
    len: uint32 value(sizeof(data));
}
